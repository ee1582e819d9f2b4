"""Demo catalog for ``mallkit demo``: categories, groups and 40+ products with specs, prices,
stock and pictures drawn locally with Pillow (nothing is fetched).

Idempotent: products are found by their ``DEMO-`` code and left alone when they exist, and a
picture is the same bytes every time, so the media library hands back the asset it stored.
"""

from __future__ import annotations

import functools
import io
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont
from sqlalchemy.orm import Session

from runtime.media.service import upload
from runtime.modules.catalog import products, taxonomy
from runtime.modules.catalog.models import GroupKind
from runtime.shops.models import Shop

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)
MEDIA_FOLDER = "演示商品"

COLOURS = {"黑色": "#2b2b2b", "白色": "#f4f4f0", "米白": "#efe6d6", "灰色": "#9aa0a6",
           "藏青": "#1f2f4d", "卡其": "#b59a6d", "红色": "#c8302c", "粉色": "#f2a7b8",
           "蓝色": "#2f6fd6", "绿色": "#3b8f5a", "燕麦色": "#d8c7a8", "酒红": "#7b1e34",
           "星光色": "#e9e2d0", "午夜色": "#1c2230", "雾蓝": "#8fa9c4", "焦糖": "#a8632f"}


@dataclass(frozen=True)
class DemoProduct:
    code: str
    category: str
    title: str
    subtitle: str
    price: int  # yuan, for the first SKU
    specs: tuple[tuple[str, tuple[str, ...]], ...] = ()
    steps: dict[str, int] = field(default_factory=dict)  # extra yuan per spec value
    tags: tuple[str, ...] = ()
    unit: str = "件"
    weight_g: int = 300


SIZES = ("S", "M", "L", "XL")
SHOE = ("36", "37", "38", "39", "40")
MEN_SHOE = ("39", "40", "41", "42", "43")

CATALOG: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    # (category, colour of its cards, sub-categories)
    ("女装", "#e86a8d", ("连衣裙", "上衣", "外套")),
    ("男装", "#3d6fb6", ("T恤", "裤装")),
    ("鞋包", "#8a5a44", ("女鞋", "男鞋", "箱包")),
    ("美妆", "#d4547a", ("护肤", "彩妆")),
    ("食品", "#e08a2e", ("零食", "茶饮")),
    ("家居", "#4f9a7c", ("床品", "收纳")),
    ("数码", "#37474f", ("手机配件", "影音")),
)

PRODUCTS: tuple[DemoProduct, ...] = (
    DemoProduct("DEMO-W01", "连衣裙", "法式碎花连衣裙", "收腰显瘦 · 雪纺面料", 259,
                (("颜色", ("米白", "雾蓝")), ("尺码", SIZES)), {"XL": 10}, ("新品", "春夏")),
    DemoProduct("DEMO-W02", "连衣裙", "针织吊带长裙", "慵懒风 · 可外穿", 199,
                (("颜色", ("黑色", "燕麦色")), ("尺码", ("S", "M", "L"))), {}, ("春夏",)),
    DemoProduct("DEMO-W03", "连衣裙", "复古格纹衬衫裙", "通勤百搭", 229,
                (("颜色", ("卡其", "藏青")), ("尺码", SIZES)), {"XL": 10}, ()),
    DemoProduct("DEMO-W04", "上衣", "纯棉宽松白T恤", "260g 重磅棉", 79,
                (("颜色", ("白色", "黑色", "灰色")), ("尺码", SIZES)), {}, ("爆款",)),
    DemoProduct("DEMO-W05", "上衣", "法式方领泡泡袖衬衫", "温柔气质", 159,
                (("颜色", ("白色", "粉色")), ("尺码", ("S", "M", "L"))), {}, ("新品",)),
    DemoProduct("DEMO-W06", "上衣", "软糯羊毛开衫", "含羊毛 30%", 299,
                (("颜色", ("燕麦色", "酒红", "灰色")), ("尺码", ("S", "M", "L"))), {}, ("秋冬",)),
    DemoProduct("DEMO-W07", "外套", "双面羊绒大衣", "手工双面呢 · 过膝长款", 1299,
                (("颜色", ("焦糖", "黑色")), ("尺码", SIZES)), {"XL": 50}, ("秋冬", "新品")),
    DemoProduct("DEMO-W08", "外套", "短款轻薄羽绒服", "90% 白鸭绒", 499,
                (("颜色", ("黑色", "米白", "雾蓝")), ("尺码", SIZES)), {}, ("秋冬", "爆款")),
    DemoProduct("DEMO-M01", "T恤", "男士基础圆领T恤", "精梳棉 · 三件装更划算", 59,
                (("颜色", ("白色", "黑色", "藏青")), ("尺码", ("M", "L", "XL"))), {}, ("爆款",)),
    DemoProduct("DEMO-M02", "T恤", "速干运动短袖", "吸湿排汗", 89,
                (("颜色", ("黑色", "蓝色")), ("尺码", ("M", "L", "XL"))), {}, ("运动",)),
    DemoProduct("DEMO-M03", "T恤", "商务免烫衬衫", "抗皱易打理", 199,
                (("颜色", ("白色", "蓝色")), ("尺码", ("M", "L", "XL"))), {}, ()),
    DemoProduct("DEMO-M04", "裤装", "直筒休闲裤", "弹力面料", 169,
                (("颜色", ("卡其", "黑色", "藏青")), ("尺码", ("29", "30", "31", "32", "33"))),
                {}, ()),
    DemoProduct("DEMO-M05", "裤装", "修身牛仔裤", "微弹水洗", 219,
                (("颜色", ("蓝色", "黑色")), ("尺码", ("29", "30", "31", "32"))), {}, ("新品",)),
    DemoProduct("DEMO-M06", "裤装", "户外冲锋裤", "防泼水 · 耐磨", 329,
                (("颜色", ("黑色", "灰色")), ("尺码", ("M", "L", "XL"))), {}, ("运动",)),
    DemoProduct("DEMO-S01", "女鞋", "软底乐福鞋", "真皮 · 通勤不累脚", 329,
                (("颜色", ("黑色", "焦糖")), ("尺码", SHOE)), {}, ("新品",), "双", 600),
    DemoProduct("DEMO-S02", "女鞋", "厚底小白鞋", "增高 4cm", 259,
                (("颜色", ("白色",)), ("尺码", SHOE)), {}, ("爆款",), "双", 700),
    DemoProduct("DEMO-S03", "女鞋", "方头玛丽珍鞋", "复古小皮鞋", 289,
                (("颜色", ("黑色", "酒红")), ("尺码", SHOE)), {}, (), "双", 600),
    DemoProduct("DEMO-S04", "男鞋", "缓震跑步鞋", "回弹中底", 459,
                (("颜色", ("黑色", "灰色")), ("尺码", MEN_SHOE)), {}, ("运动",), "双", 800),
    DemoProduct("DEMO-S05", "男鞋", "商务德比鞋", "头层牛皮", 599,
                (("颜色", ("黑色", "焦糖")), ("尺码", MEN_SHOE)), {}, (), "双", 900),
    DemoProduct("DEMO-S06", "箱包", "通勤托特包", "可放 14 寸电脑", 399,
                (("颜色", ("黑色", "燕麦色", "焦糖")),), {}, ("新品",), "个", 700),
    DemoProduct("DEMO-S07", "箱包", "20 寸登机箱", "PC 箱体 · 静音万向轮", 499,
                (("颜色", ("白色", "灰色", "雾蓝")), ("尺寸", ("20寸", "24寸"))), {"24寸": 100},
                ("爆款",), "个", 3200),
    DemoProduct("DEMO-B01", "护肤", "玻尿酸补水面膜", "10 片装", 99,
                (("规格", ("10片装", "20片装")),), {"20片装": 80}, ("爆款",), "盒", 400),
    DemoProduct("DEMO-B02", "护肤", "温和氨基酸洁面乳", "120ml", 69, (), {}, ("护肤",), "支", 150),
    DemoProduct("DEMO-B03", "护肤", "修护精华液", "30ml · 熬夜急救", 329,
                (("规格", ("30ml", "50ml")),), {"50ml": 170}, ("新品", "护肤"), "瓶", 120),
    DemoProduct("DEMO-B04", "护肤", "清爽防晒乳 SPF50+", "50ml", 129, (), {}, ("护肤", "春夏"),
                "支", 80),
    DemoProduct("DEMO-B05", "彩妆", "丝绒雾面口红", "显白不拔干", 159,
                (("色号", ("#01 正红", "#02 豆沙", "#03 枫叶", "#04 奶茶")),), {}, ("爆款",),
                "支", 40),
    DemoProduct("DEMO-B06", "彩妆", "持妆粉底液", "30ml", 269,
                (("色号", ("象牙白", "自然色", "小麦色")),), {}, (), "瓶", 90),
    DemoProduct("DEMO-F01", "零食", "每日坚果", "7 种混合 · 30 袋", 129,
                (("规格", ("15袋", "30袋")),), {"30袋": 60}, ("爆款",), "盒", 750),
    DemoProduct("DEMO-F02", "零食", "手工牛轧糖", "台湾风味 · 500g", 59,
                (("口味", ("原味", "抹茶", "蔓越莓")),), {}, ("新品",), "袋", 520),
    DemoProduct("DEMO-F03", "零食", "黄油曲奇礼盒", "丹麦风味 · 908g", 139, (), {}, ("送礼",), "盒",
                1000),
    DemoProduct("DEMO-F04", "零食", "麻辣牛肉干", "内蒙古风干 · 250g", 79,
                (("口味", ("五香", "麻辣")),), {}, (), "袋", 260),
    DemoProduct("DEMO-F05", "茶饮", "明前龙井", "2026 新茶 · 125g", 268,
                (("规格", ("125g", "250g")),), {"250g": 248}, ("新品", "送礼"), "罐", 200),
    DemoProduct("DEMO-F06", "茶饮", "冷萃挂耳咖啡", "20 包", 89, (), {}, ("爆款",), "盒", 300),
    DemoProduct("DEMO-F07", "茶饮", "桂花乌龙茶包", "三角袋泡 · 15 包", 49, (), {}, ("春夏",), "盒",
                100),
    DemoProduct("DEMO-H01", "床品", "60 支长绒棉四件套", "1.8m 床", 599,
                (("颜色", ("白色", "灰色", "雾蓝")), ("尺寸", ("1.5m", "1.8m"))), {"1.8m": 100},
                ("家居好物",), "套", 2500),
    DemoProduct("DEMO-H02", "床品", "大豆纤维夏被", "可机洗", 299,
                (("尺寸", ("150×200", "200×230")),), {"200×230": 80}, ("家居好物", "春夏"), "床",
                1800),
    DemoProduct("DEMO-H03", "床品", "记忆棉枕头", "慢回弹 · 护颈", 159, (), {}, ("家居好物",), "个",
                1200),
    DemoProduct("DEMO-H04", "收纳", "可折叠收纳箱", "3 只装", 89,
                (("颜色", ("米白", "灰色")),), {}, ("家居好物", "爆款"), "组", 1500),
    DemoProduct("DEMO-H05", "收纳", "桌面文具收纳盒", "多格分区", 39, (), {}, ("家居好物",), "个",
                400),
    DemoProduct("DEMO-H06", "收纳", "真空压缩袋", "8 件套 · 送手泵", 69, (), {}, ("家居好物",),
                "套", 600),
    DemoProduct("DEMO-D01", "手机配件", "磁吸无线充电器", "15W 快充", 149,
                (("颜色", ("白色", "黑色")),), {}, ("数码爆款",), "个", 150),
    DemoProduct("DEMO-D02", "手机配件", "氮化镓快充头", "65W 三口", 169, (), {},
                ("数码爆款", "爆款"), "个", 120),
    DemoProduct("DEMO-D03", "手机配件", "编织数据线", "USB-C · 1.5m", 39,
                (("长度", ("1m", "1.5m", "2m")),), {"2m": 10}, (), "根", 60),
    DemoProduct("DEMO-D04", "手机配件", "20000mAh 移动电源", "可上飞机", 199,
                (("颜色", ("星光色", "午夜色")),), {}, ("新品",), "个", 400),
    DemoProduct("DEMO-D05", "影音", "主动降噪耳机", "40 小时续航", 899,
                (("颜色", ("午夜色", "星光色")),), {}, ("新品", "数码爆款"), "副", 250),
    DemoProduct("DEMO-D06", "影音", "便携蓝牙音箱", "IPX7 防水", 349,
                (("颜色", ("黑色", "蓝色", "红色")),), {}, (), "个", 600),
    DemoProduct("DEMO-D07", "影音", "智能手表", "心率血氧 · 14 天续航", 1299,
                (("颜色", ("午夜色", "星光色")), ("表盘", ("41mm", "45mm"))), {"45mm": 200},
                ("新品",), "块", 80),
)

GROUPS = (
    ("新品上市", GroupKind.MANUAL, {}),
    ("热销爆款", GroupKind.MANUAL, {}),
    ("百元好物", GroupKind.RULE, {"max_price_fen": 10000}),
    ("居家好物", GroupKind.RULE, {"tags": ["家居好物"]}),
)


# --- pictures ------------------------------------------------------------------------------


@functools.cache
def _font_path() -> str | None:
    for candidate in FONT_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    return None


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = _font_path()
    if path is None:
        return ImageFont.load_default(size=size)
    return ImageFont.truetype(path, size=size)


def _rgb(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))  # type: ignore


def _fit(draw: ImageDraw.ImageDraw, text: str, width: int, size: int) -> Any:
    while size > 18:
        font = _font(size)
        if draw.textlength(text, font=font) <= width:
            return font
        size -= 4
    return _font(size)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=False)
    return buffer.getvalue()


def product_card(title: str, subtitle: str, category: str, colour: str) -> bytes:
    """An 800×800 card: a soft gradient in the category's colour, a big initial, the name."""
    size = 800
    base = _rgb(colour)
    light = _mix(base, (255, 255, 255), 0.82)
    image = Image.new("RGB", (size, size), light)
    draw = ImageDraw.Draw(image)
    for y in range(0, size, 4):
        draw.rectangle((0, y, size, y + 4), fill=_mix(light, _mix(base, (255, 255, 255), 0.55),
                                                     y / size))
    draw.ellipse((170, 90, 630, 550), fill=_mix(base, (255, 255, 255), 0.25))
    initial = title.strip()[:1] or "?"
    font = _font(260) if _font_path() else _font(200)
    if not _font_path() and not initial.isascii():
        initial = "#"
    draw.text((400, 320), initial, font=font, fill=(255, 255, 255), anchor="mm")
    text_title = title if _font_path() else title.encode("ascii", "ignore").decode() or "Item"
    draw.text((400, 640), text_title, font=_fit(draw, text_title, 700, 56),
              fill=_mix(base, (0, 0, 0), 0.45), anchor="mm")
    if _font_path():
        draw.text((400, 712), f"{category} · {subtitle}", font=_fit(draw, subtitle, 640, 30),
                  fill=_mix(base, (0, 0, 0), 0.25), anchor="mm")
    return _png(image)


def swatch(name: str) -> bytes:
    """A 240×240 colour swatch for a SKU (same colour, same bytes)."""
    image = Image.new("RGB", (240, 240), _rgb(COLOURS.get(name, "#cccccc")))
    ImageDraw.Draw(image).rectangle((0, 0, 239, 239), outline=(220, 220, 220), width=4)
    return _png(image)


def _stored(session: Session, data: bytes, name: str) -> dict[str, int]:
    return {"media_id": upload(session, data, name, folder=MEDIA_FOLDER).asset.id}


# --- seeding -------------------------------------------------------------------------------


def _number(code: str, low: int, high: int, salt: str = "") -> int:
    """A stable pseudo-random number for a code (the demo looks the same on every machine)."""
    return low + zlib.crc32(f"{code}:{salt}".encode()) % (high - low + 1)


def _categories(session: Session) -> dict[str, int]:
    existing = {node.category.name: node for node in taxonomy.category_tree(session)}
    ids: dict[str, int] = {}
    for position, (name, _colour, children) in enumerate(CATALOG):
        node = existing.get(name)
        parent = node.category if node else taxonomy.create_category(
            session, {"name": name, "position": position})
        ids[name] = parent.id
        have = {child.category.name: child.category.id for child in node.children} if node \
            else {}
        for child_position, child in enumerate(children):
            ids[child] = have.get(child) or taxonomy.create_category(
                session, {"name": child, "parent_id": parent.id,
                          "position": child_position}).id
    return ids


def _groups(session: Session) -> dict[str, int]:
    have = {g.name: g.id for g in taxonomy.list_groups(session)}
    for position, (name, kind, rule) in enumerate(GROUPS):
        if name not in have:
            data: dict[str, Any] = {"name": name, "kind": kind, "position": position}
            if kind == GroupKind.RULE:
                data["rule"] = rule
            have[name] = taxonomy.create_group(session, data).id
    return have


def _payload(item: DemoProduct, category_id: int, colour: str, session: Session,
             group_ids: list[int]) -> dict[str, Any]:
    cover = _stored(session, product_card(item.title, item.subtitle, item.category, colour),
                    f"{item.code}.png")
    names = [name for name, _values in item.specs]
    matrix: list[tuple[str, ...]] = [()]
    for _name, values in item.specs:
        matrix = [(*prefix, value) for prefix in matrix for value in values]
    skus = []
    for n, combo in enumerate(matrix):
        price = item.price + sum(item.steps.get(v, 0) for v in combo)
        sku: dict[str, Any] = {
            "spec_values": list(combo), "price_fen": price * 100,
            "original_price_fen": round(price * 1.3) * 100,
            "cost_fen": round(price * 0.45) * 100,
            "stock": _number(item.code, 0, 60, str(n)) if n % 7 else _number(item.code, 3, 9),
            "code": f"{item.code}-{n + 1:02d}", "weight_g": item.weight_g,
            "low_stock_threshold": 5,
        }
        if "颜色" in names and combo:
            colour_name = combo[names.index("颜色")]
            if colour_name in COLOURS:
                sku["image"] = _stored(session, swatch(colour_name), f"色卡-{colour_name}.png")
        skus.append(sku)
    description = (f"<p><strong>{item.title}</strong> — {item.subtitle}。</p>"
                   f"<p>演示商品：图片由 Pillow 在本地生成，价格与库存仅供体验。</p>")
    return {
        "code": item.code, "title": item.title, "subtitle": item.subtitle,
        "category_id": category_id, "images": [cover], "description_html": description,
        "unit": item.unit, "weight_g": item.weight_g, "status": "on_sale",
        "sales_base": _number(item.code, 20, 3000, "sales"), "tags": list(item.tags),
        "sort_weight": _number(item.code, 0, 100, "weight"),
        "limit_per_order": 5 if item.price >= 800 else None,
        "group_ids": group_ids,
        "specs": [{"name": name, "values": list(values)} for name, values in item.specs],
        "skus": skus,
    }


def seed_demo_catalog(session: Session, shop: Shop) -> int:
    """Create the demo catalog in ``shop`` (the session is scoped to it); returns how many
    products were created (0 when everything was there already)."""
    categories = _categories(session)
    groups = _groups(session)
    colours = {name: colour for name, colour, _children in CATALOG}
    parents = {child: name for name, _colour, children in CATALOG for child in children}
    created = 0
    for item in PRODUCTS:
        if products.find_product_by_code(session, item.code) is not None:
            continue
        picks = []
        if "新品" in item.tags:
            picks.append(groups["新品上市"])
        if "爆款" in item.tags:
            picks.append(groups["热销爆款"])
        products.create_product(session, _payload(
            item, categories[item.category], colours[parents[item.category]], session, picks))
        created += 1
    session.flush()
    return created

