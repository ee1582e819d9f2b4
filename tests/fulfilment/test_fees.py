"""Shipping fees: templates by region and piece/weight, thresholds, local delivery tiers."""

from __future__ import annotations

from runtime.modules.fulfilment.fees import (
    ChargeBy,
    FeeLine,
    FeeTier,
    LocalDeliverySpec,
    RegionRef,
    TemplateRule,
    TemplateSpec,
    distance_m,
    express_fee,
    local_fee,
)

GUANGDONG_SZ = RegionRef("广东省", "深圳市", "南山区", "440305")
XINJIANG = RegionRef("新疆维吾尔自治区", "乌鲁木齐市", "天山区", "650102")
BEIJING = RegionRef("北京市", "北京市", "朝阳区", "110105")

PIECE = TemplateSpec(
    id=1, name="按件", charge_by=ChargeBy.PIECE,
    rules=(TemplateRule((), 1, 800, 1, 200),  # everywhere else: 8 yuan + 2 per extra piece
           TemplateRule(("440000",), 2, 500, 2, 100),  # 广东: 2 pieces 5 yuan, +1 per 2
           TemplateRule(("440300",), 1, 0, 1, 0)),  # 深圳 city itself: free (most specific)
    free_over_fen=19900, excluded_regions=("650000",))
WEIGHT = TemplateSpec(id=2, name="按重", charge_by=ChargeBy.WEIGHT,
                      rules=(TemplateRule((), 1000, 1000, 500, 300),))


def fl(qty, payable=1000, weight=0, template=1):
    return FeeLine("k", qty, weight, payable, template)


def test_most_specific_region_rule_wins():
    assert express_fee([fl(3)], GUANGDONG_SZ, {1: PIECE}, 1).fee_fen == 0
    guangzhou = RegionRef("广东省", "广州市", "天河区", "440106")
    assert express_fee([fl(3)], guangzhou, {1: PIECE}, 1).fee_fen == 600  # 5 + ceil(1/2)*1
    assert express_fee([fl(3)], BEIJING, {1: PIECE}, 1).fee_fen == 1200  # 8 + 2*2


def test_region_names_work_without_adcode():
    spec = TemplateSpec(1, "t", ChargeBy.PIECE, (TemplateRule(("北京市",), 1, 100, 1, 0),
                                                 TemplateRule((), 1, 900, 1, 0)))
    assert express_fee([fl(1)], RegionRef("北京市", "北京市"), {1: spec}, 1).fee_fen == 100


def test_free_over_threshold_and_exclusion():
    assert express_fee([fl(1, payable=19900)], BEIJING, {1: PIECE}, 1).fee_fen == 0
    assert express_fee([fl(1, payable=19899)], BEIJING, {1: PIECE}, 1).fee_fen == 800
    charge = express_fee([fl(1)], XINJIANG, {1: PIECE}, 1)
    assert not charge.available and "不配送" in charge.reason


def test_weight_steps_round_up_and_templates_add_up():
    heavy = fl(2, weight=800, template=2)  # 1600 g: 10 + ceil(600/500)*3 = 16
    assert express_fee([heavy], BEIJING, {2: WEIGHT}, None).fee_fen == 1600
    both = express_fee([heavy, fl(1, template=1)], BEIJING, {1: PIECE, 2: WEIGHT}, 1)
    assert both.fee_fen == 1600 + 800
    assert [p["template_id"] for p in both.detail["templates"]] == [2, 1]


def test_no_templates_means_free_shipping_and_no_address_is_unavailable():
    assert express_fee([fl(5)], BEIJING, {}, None).fee_fen == 0
    assert not express_fee([fl(5)], None, {1: PIECE}, 1).available


def test_local_delivery_radius_and_tiers():
    origin = (22.5431, 113.9365)  # 深圳南山
    spec = LocalDeliverySpec(*origin, radius_m=5000,
                             tiers=(FeeTier(1000, 300), FeeTier(3000, 600), FeeTier(5000, 900)),
                             min_order_fen=2000, free_over_fen=10000)
    near = (22.5431, 113.9465)  # ~1 km east
    d = distance_m(*origin, *near)
    assert 1000 < d < 1100
    assert local_fee(spec, *near, 5000).fee_fen == 600
    assert local_fee(spec, *near, 10000).fee_fen == 0
    short = local_fee(spec, *near, 1999)
    assert not short.available and "起送" in short.reason
    far = local_fee(spec, 22.60, 113.94, 5000)
    assert not far.available and "超出配送范围" in far.reason
    assert not local_fee(spec, None, None, 5000).available
    assert not local_fee(None, *near, 5000).available
