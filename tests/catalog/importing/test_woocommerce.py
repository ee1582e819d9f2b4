"""WooCommerce product CSV (tests/catalog/importing/data/woocommerce_products.csv, written to
WooCommerce's exporter column set): variable products and their variations (found by
``id:`` or SKU, attributes in any column order) become products with a spec matrix, simple
products one SKU; sale and regular prices, stock, weight, categories, tags and images map;
an 'any' attribute becomes one SKU per value; grouped and external products and orphan
variations are reported. WooCommerce's own sample export (``woocommerce_sample_products.csv``,
``plugins/woocommerce/sample-data/sample_products.csv`` in the WooCommerce repository, as is)
imports with its variable products complete."""

from __future__ import annotations

from runtime.modules.catalog.importing.reader import read_csv
from runtime.modules.catalog.importing.woocommerce import is_woocommerce, split_escaped
from tests.catalog.importing.helpers import DATA, import_file, products_by_code, report_rows
from tests.catalog.importing.test_shopify import _category_paths

CSV = DATA / "woocommerce_products.csv"
UPLOADS = "https://shop.example.com/wp-content/uploads/2024/05/"


def test_the_export_is_recognised_and_lists_split():
    assert is_woocommerce(read_csv(CSV).headers)
    assert split_escaped("winter, wool\\, merino") == ["winter", "wool, merino"]


def test_woocommerce_products_are_imported(app, shop, shop_session, clock):
    run = import_file(app, shop, CSV, "wc-product-export.csv", locale="en")
    assert (run.status, run.source_format) == ("done", "woocommerce")
    assert (run.total_products, run.created_count, run.failed_count) == (6, 4, 2)
    found = products_by_code(app, shop)
    assert set(found) == {"HOODIE", "BEANIE", "woo-130", "TOTE"}
    categories = _category_paths(shop_session)

    hoodie = found["HOODIE"]
    product = hoodie["product"]
    assert (product.title, product.subtitle, product.status) == (
        "Fleece Hoodie", "Warm fleece hoodie", "on_sale")
    assert product.description_html == "<p>Brushed fleece inside.</p>\n<p>Machine wash.</p>"
    assert categories[product.category_id] == "Clothing > Hoodies"  # the first of two
    assert hoodie["tags"] == ["winter", "fleece"]
    assert product.images == [{"url": UPLOADS + "hoodie-blue.jpg"},
                              {"url": UPLOADS + "hoodie-red.jpg"}]
    assert product.specs == [{"name": "Color", "values": ["Blue", "Red"]},
                             {"name": "Size", "values": ["S", "M"]}]
    rows = {key: (s.code, s.price_fen, s.original_price_fen, s.stock, s.weight_g,
                  s.low_stock_threshold) for key, s in hoodie["skus"].items()}
    assert rows == {
        ("Blue", "S"): ("HOODIE-BLUE-S", 3900, 4500, 7, 500, None),  # on sale
        ("Blue", "M"): ("HOODIE-BLUE-M", 4500, None, 3, 500, 2),
        ("Red", "S"): ("HOODIE-RED-S", 4500, None, 0, 550, None),  # the sale has ended
        ("Red", "M"): ("HOODIE-RED-M", 4550, None, 0, 500, None),  # stock not managed
    }
    assert hoodie["skus"][("Blue", "S")].image == {"url": UPLOADS + "hoodie-blue.jpg"}
    assert hoodie["skus"][("Blue", "M")].image is None

    beanie = found["BEANIE"]
    assert beanie["product"].specs == []  # a simple product's attributes are not variants
    assert beanie["product"].subtitle == ""
    assert beanie["product"].description_html.startswith("<p>Soft <em>merino</em> knit")
    assert beanie["tags"] == ["winter", "wool, merino"]
    [hat] = beanie["skus"].values()
    assert (hat.code, hat.price_fen, hat.stock, hat.low_stock_threshold, hat.weight_g) == (
        "BEANIE", 1800, 25, 5, 100)
    assert categories[beanie["product"].category_id] == "Accessories"

    poster = found["woo-130"]["product"]  # no SKU: the WooCommerce ID keeps it findable
    assert (poster.status, poster.min_price_fen) == ("draft", 2990)
    assert categories[poster.category_id] == "Home > Wall Art"

    tote = found["TOTE"]  # TOTE-ANY is 'any' colour: the one colour no variation names
    assert tote["product"].specs == [{"name": "Color", "values": ["Natural", "Black"]}]
    assert {k: (s.code, s.stock, s.price_fen) for k, s in tote["skus"].items()} == {
        ("Natural",): ("TOTE-NAT", 4, 1500), ("Black",): ("TOTE-ANY", 4, 1500)}

    report = {(r["ID"], r["SKU"]): r for r in report_rows(app, run)}
    assert report[("120", "WINTER-SET")]["_bad"] == {
        "Type": "a grouped product only lists other products; mallkit has no grouped "
                "products, so import its products on their own rows"}
    assert report[("131", "CANDLE")]["_bad"] == {"Regular price": "is required"}
    assert report[("140", "LOST-1")]["_bad"] == {
        "Parent": "variation of an unknown parent id:999"}
    assert len(report) == 3


def test_importing_the_woocommerce_export_again_updates_nothing(app, shop, clock):
    import_file(app, shop, CSV, "wc-product-export.csv")
    run = import_file(app, shop, CSV, "wc-product-export.csv")
    assert (run.created_count, run.updated_count, run.unchanged_count) == (0, 0, 4)


SAMPLE = DATA / "woocommerce_sample_products.csv"
SAMPLE_UPLOADS = "https://woocommercecore.mystagingwebsite.com/wp-content/uploads/2017/12/"


def test_woocommerce_sample_export_imports_its_variable_products_complete(app, shop, clock):
    run = import_file(app, shop, SAMPLE, "sample_products.csv", locale="zh")
    assert (run.status, run.source_format) == ("done", "woocommerce")
    assert (run.total_products, run.created_count, run.failed_count) == (18, 16, 2)
    found = products_by_code(app, shop)

    vneck = found["woo-vneck-tee"]  # each variation is one colour, any size
    assert vneck["product"].specs == [
        {"name": "Color", "values": ["Blue", "Green", "Red"]},
        {"name": "Size", "values": ["Large", "Medium", "Small"]}]
    assert {k: (s.code, s.price_fen) for k, s in vneck["skus"].items()} == {
        (colour, size): (f"woo-vneck-tee-{colour.lower()}-{size}",
                         1500 if colour == "Blue" else 2000)
        for colour in ("Blue", "Green", "Red") for size in ("Large", "Medium", "Small")}
    assert vneck["skus"][("Green", "Small")].image == {
        "url": SAMPLE_UPLOADS + "vnech-tee-green-1.jpg"}
    assert vneck["skus"][("Red", "Large")].weight_g == 227  # the parent's 0.5 lbs

    hoodie = found["woo-hoodie"]  # no Green/Yes or Red/Yes variation: created sold out
    assert hoodie["product"].specs == [{"name": "Color", "values": ["Blue", "Green", "Red"]},
                                       {"name": "Logo", "values": ["Yes", "No"]}]
    skus = {k: (s.code, s.price_fen, s.original_price_fen, s.stock)
            for k, s in hoodie["skus"].items()}
    assert skus == {
        ("Blue", "Yes"): ("woo-hoodie-blue-logo", 4500, None, 0),
        ("Blue", "No"): ("woo-hoodie-blue", 4500, None, 0),
        ("Green", "Yes"): (None, 4500, None, 0),
        ("Green", "No"): ("woo-hoodie-green", 4500, None, 0),
        ("Red", "Yes"): (None, 4200, 4500, 0),
        ("Red", "No"): ("woo-hoodie-red", 4200, 4500, 0)}

    belt = found["woo-belt"]  # simple, on sale, weight in lbs
    [sku] = belt["skus"].values()
    assert (sku.price_fen, sku.original_price_fen, sku.weight_g) == (5500, 6500, 544)
    assert "woo-album" in found  # "simple, downloadable, virtual" is a simple product

    report = {r["SKU"]: r["_bad"] for r in report_rows(app, run)}
    assert report == {
        "logo-collection": {"Type": "组合商品（grouped）只是列出其他商品；mallkit 没有组合商品，"
                                    "请单独导入其中的商品"},
        "wp-pennant": {"Type": "外部商品（external）在其他网站销售；mallkit 店铺只销售自己的商品，"
                               "因此不导入"}}


def test_attribute_only_on_the_variations_and_any_stock_split(app, shop, clock, tmp_path):
    header = ("ID,Type,SKU,Name,Published,Stock,Regular price,Parent,Attribute 1 name,"
              "Attribute 1 value(s),Attribute 2 name,Attribute 2 value(s)\n")
    rows = ["10,variable,MUG,Mug,1,,,,Color,\"White, Black\",,",
            "11,variation,MUG-W,Mug - White,1,5,20,id:10,Color,White,Size,330ml",
            "12,variation,MUG-B,Mug - Black,1,7,22,id:10,Color,Black,Size,330ml",
            "13,variation,MUG-L,Mug - large,1,5,25,id:10,Color,,Size,450ml",
            "20,variable,CUP,Cup,1,,,,Color,Blue,,",
            "21,variation,CUP-1,Cup - any,1,3,10,id:20,Color,Blue,Size,"]
    path = tmp_path / "wc.csv"
    path.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    run = import_file(app, shop, path, "wc.csv")
    assert (run.created_count, run.failed_count) == (1, 1)
    mug = products_by_code(app, shop)["MUG"]
    assert mug["product"].specs == [{"name": "Color", "values": ["White", "Black"]},
                                    {"name": "Size", "values": ["330ml", "450ml"]}]
    assert {k: (s.code, s.stock, s.price_fen) for k, s in mug["skus"].items()} == {
        ("White", "330ml"): ("MUG-W", 5, 2000), ("Black", "330ml"): ("MUG-B", 7, 2200),
        ("White", "450ml"): ("MUG-L-White", 3, 2500),  # 5 shared: 3 + 2
        ("Black", "450ml"): ("MUG-L-Black", 2, 2500)}
    report = {r["SKU"]: r["_bad"] for r in report_rows(app, run)}
    assert report["CUP-1"] == {"Attribute 2 value(s)": "attribute Size is 'any' on this "
                               "variation and the parent lists no values for it"}
