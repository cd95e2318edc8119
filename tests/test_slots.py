"""The article type → slot mapping is explicit: every known source name maps, unknowns raise."""

from __future__ import annotations

import json

import pytest

from stylist.errors import CatalogueError
from stylist.index.schema import Slot
from stylist.index.slots import slot_for_article

# (articleType, masterCategory, subCategory) → slot: every article type of the Kaggle styles.csv
KAGGLE = {
    ("Tshirts", "Apparel", "Topwear"): Slot.TOP,
    ("Shirts", "Apparel", "Topwear"): Slot.TOP,
    ("Tops", "Apparel", "Topwear"): Slot.TOP,
    ("Kurtas", "Apparel", "Topwear"): Slot.TOP,
    ("Kurtis", "Apparel", "Topwear"): Slot.TOP,
    ("Tunics", "Apparel", "Topwear"): Slot.TOP,
    ("Sweaters", "Apparel", "Topwear"): Slot.TOP,
    ("Sweatshirts", "Apparel", "Topwear"): Slot.TOP,
    ("Shrug", "Apparel", "Topwear"): Slot.TOP,
    ("Dupatta", "Apparel", "Topwear"): Slot.ACCESSORY,
    ("Suspenders", "Apparel", "Topwear"): Slot.ACCESSORY,
    ("Belts", "Apparel", "Topwear"): Slot.ACCESSORY,
    ("Blazers", "Apparel", "Topwear"): Slot.OUTERWEAR,
    ("Jackets", "Apparel", "Topwear"): Slot.OUTERWEAR,
    ("Nehru Jackets", "Apparel", "Topwear"): Slot.OUTERWEAR,
    ("Rain Jacket", "Apparel", "Topwear"): Slot.OUTERWEAR,
    ("Waistcoat", "Apparel", "Topwear"): Slot.OUTERWEAR,
    ("Dresses", "Apparel", "Topwear"): Slot.DRESS,
    ("Lehenga Choli", "Apparel", "Topwear"): Slot.DRESS,
    ("Rompers", "Apparel", "Topwear"): Slot.DRESS,
    ("Suits", "Apparel", "Topwear"): Slot.DRESS,
    ("Capris", "Apparel", "Bottomwear"): Slot.BOTTOM,
    ("Churidar", "Apparel", "Bottomwear"): Slot.BOTTOM,
    ("Jeans", "Apparel", "Bottomwear"): Slot.BOTTOM,
    ("Jeggings", "Apparel", "Bottomwear"): Slot.BOTTOM,
    ("Leggings", "Apparel", "Bottomwear"): Slot.BOTTOM,
    ("Patiala", "Apparel", "Bottomwear"): Slot.BOTTOM,
    ("Rain Trousers", "Apparel", "Bottomwear"): Slot.BOTTOM,
    ("Salwar", "Apparel", "Bottomwear"): Slot.BOTTOM,
    ("Salwar and Dupatta", "Apparel", "Bottomwear"): Slot.BOTTOM,
    ("Shorts", "Apparel", "Bottomwear"): Slot.BOTTOM,
    ("Skirts", "Apparel", "Bottomwear"): Slot.BOTTOM,
    ("Track Pants", "Apparel", "Bottomwear"): Slot.BOTTOM,
    ("Trousers", "Apparel", "Bottomwear"): Slot.BOTTOM,
    ("Stockings", "Apparel", "Bottomwear"): Slot.ACCESSORY,
    ("Tights", "Apparel", "Bottomwear"): Slot.ACCESSORY,
    ("Swimwear", "Apparel", "Bottomwear"): Slot.SWIMWEAR,
    ("Tracksuits", "Apparel", "Bottomwear"): Slot.DRESS,
    ("Clothing Set", "Apparel", "Apparel Set"): Slot.DRESS,
    ("Kurta Sets", "Apparel", "Apparel Set"): Slot.DRESS,
    ("Dresses", "Apparel", "Dress"): Slot.DRESS,
    ("Jumpsuit", "Apparel", "Dress"): Slot.DRESS,
    ("Sarees", "Apparel", "Saree"): Slot.DRESS,
    ("Booties", "Apparel", "Socks"): Slot.SHOES,
    ("Accessory Gift Set", "Accessories", "Accessories"): Slot.ACCESSORY,
    ("Hair Accessory", "Accessories", "Accessories"): Slot.ACCESSORY,
    ("Key chain", "Accessories", "Accessories"): Slot.ACCESSORY,
    ("Travel Accessory", "Accessories", "Accessories"): Slot.ACCESSORY,
    ("Water Bottle", "Accessories", "Accessories"): Slot.ACCESSORY,
    ("Messenger Bag", "Accessories", "Bags"): Slot.BAG,
    ("Messenger Bag", "Accessories", "Accessories"): Slot.BAG,
    ("Travel Accessory", "Accessories", "Bags"): Slot.ACCESSORY,
    ("Tshirts", "Accessories", "Belts"): Slot.TOP,
    ("Flip Flops", "Footwear", "Sandal"): Slot.SHOES,
    ("Sandals", "Footwear", "Shoes"): Slot.SHOES,
    ("Wallets", "Accessories", "Bags"): Slot.BAG,
    ("Belts", "Accessories", "Belts"): Slot.ACCESSORY,
    ("Swimwear", "Apparel", "Apparel Set"): Slot.SWIMWEAR,
    ("Backpacks", "Accessories", "Bags"): Slot.BAG,
    ("Clutches", "Accessories", "Bags"): Slot.BAG,
    ("Duffel Bag", "Accessories", "Bags"): Slot.BAG,
    ("Handbags", "Accessories", "Bags"): Slot.BAG,
    ("Laptop Bag", "Accessories", "Bags"): Slot.BAG,
    ("Mobile Pouch", "Accessories", "Bags"): Slot.BAG,
    ("Rucksacks", "Accessories", "Bags"): Slot.BAG,
    ("Tablet Sleeve", "Accessories", "Bags"): Slot.BAG,
    ("Trolley Bag", "Accessories", "Bags"): Slot.BAG,
    ("Waist Pouch", "Accessories", "Bags"): Slot.BAG,
    ("Wallets", "Accessories", "Wallets"): Slot.BAG,
    ("Cufflinks", "Accessories", "Cufflinks"): Slot.JEWELRY,
    ("Ties and Cufflinks", "Accessories", "Cufflinks"): Slot.ACCESSORY,
    ("Sunglasses", "Accessories", "Eyewear"): Slot.ACCESSORY,
    ("Gloves", "Accessories", "Gloves"): Slot.ACCESSORY,
    ("Caps", "Accessories", "Headwear"): Slot.ACCESSORY,
    ("Hat", "Accessories", "Headwear"): Slot.ACCESSORY,
    ("Headband", "Accessories", "Headwear"): Slot.ACCESSORY,
    ("Bangle", "Accessories", "Jewellery"): Slot.JEWELRY,
    ("Bracelet", "Accessories", "Jewellery"): Slot.JEWELRY,
    ("Earrings", "Accessories", "Jewellery"): Slot.JEWELRY,
    ("Jewellery Set", "Accessories", "Jewellery"): Slot.JEWELRY,
    ("Necklace and Chains", "Accessories", "Jewellery"): Slot.JEWELRY,
    ("Pendant", "Accessories", "Jewellery"): Slot.JEWELRY,
    ("Ring", "Accessories", "Jewellery"): Slot.JEWELRY,
    ("Mufflers", "Accessories", "Mufflers"): Slot.ACCESSORY,
    ("Scarves", "Accessories", "Scarves"): Slot.ACCESSORY,
    ("Socks", "Accessories", "Socks"): Slot.ACCESSORY,
    ("Stoles", "Accessories", "Stoles"): Slot.ACCESSORY,
    ("Ties", "Accessories", "Ties"): Slot.ACCESSORY,
    ("Watches", "Accessories", "Watches"): Slot.ACCESSORY,
    ("Casual Shoes", "Footwear", "Shoes"): Slot.SHOES,
    ("Flats", "Footwear", "Shoes"): Slot.SHOES,
    ("Formal Shoes", "Footwear", "Shoes"): Slot.SHOES,
    ("Heels", "Footwear", "Shoes"): Slot.SHOES,
    ("Sports Shoes", "Footwear", "Shoes"): Slot.SHOES,
    ("Sandals", "Footwear", "Sandal"): Slot.SHOES,
    ("Sports Sandals", "Footwear", "Sandal"): Slot.SHOES,
    ("Flip Flops", "Footwear", "Flip Flops"): Slot.SHOES,
    ("Wristbands", "Sporting Goods", "Wristbands"): Slot.ACCESSORY,
    # personal care and innerwear from the original (full) Kaggle file
    ("Perfume and Body Mist", "Personal Care", "Fragrance"): Slot.BEAUTY,
    ("Deodorant", "Personal Care", "Fragrance"): Slot.BEAUTY,
    ("Lipstick", "Personal Care", "Lips"): Slot.BEAUTY,
    ("Nail Polish", "Personal Care", "Nails"): Slot.BEAUTY,
    ("Kajal and Eyeliner", "Personal Care", "Eyes"): Slot.BEAUTY,
    ("Briefs", "Apparel", "Innerwear"): Slot.INNERWEAR,
    ("Bra", "Apparel", "Innerwear"): Slot.INNERWEAR,
    ("Night suits", "Apparel", "Loungewear and Nightwear"): Slot.SLEEPWEAR,
    ("Baby Dolls", "Apparel", "Loungewear and Nightwear"): Slot.SLEEPWEAR,
}

FREE_TEXT = {
    "blazer": Slot.OUTERWEAR,
    "sneakers": Slot.SHOES,
    "jumpsuit": Slot.DRESS,
    "T-Shirt": Slot.TOP,
    "shirt": Slot.TOP,
    "hoodie": Slot.TOP,
    "cardigan": Slot.TOP,
    "chinos": Slot.BOTTOM,
    "midi skirt": Slot.BOTTOM,
    "trench coat": Slot.OUTERWEAR,
    "ankle boots": Slot.SHOES,
    "loafers": Slot.SHOES,
    "tote bag": Slot.BAG,
    "crossbody bag": Slot.BAG,
    "beanie": Slot.ACCESSORY,
    "necklace": Slot.JEWELRY,
    "bikini": Slot.SWIMWEAR,
    "pajamas": Slot.SLEEPWEAR,
    "red leather ankle boots": Slot.SHOES,
    "shirt dress": Slot.DRESS,
    "dress shirt": Slot.TOP,
    "Men's Jeans": Slot.BOTTOM,
    "Women's Sportcoats & Blazers": Slot.OUTERWEAR,
    "Over-The-Knee Boots": Slot.SHOES,
}


@pytest.mark.parametrize(("article", "master", "sub"), list(KAGGLE))
def test_every_kaggle_article_type_has_its_slot(article: str, master: str, sub: str) -> None:
    assert slot_for_article(article, master, sub) is KAGGLE[(article, master, sub)]


@pytest.mark.parametrize("name", list(FREE_TEXT))
def test_free_text_names(name: str) -> None:
    assert slot_for_article(name) is FREE_TEXT[name]


def test_categories_decide_when_the_article_type_is_unknown() -> None:
    assert slot_for_article("Zouave", "Apparel", "Bottomwear") is Slot.BOTTOM
    assert slot_for_article("Glimmerstick", "Personal Care") is Slot.BEAUTY
    assert slot_for_article("Thing", "one_piece") is Slot.DRESS
    assert slot_for_article("", sub="Jewellery") is Slot.JEWELRY


def test_unknown_article_type_raises_naming_it() -> None:
    with pytest.raises(CatalogueError, match="'Sofa'"):
        slot_for_article("Sofa")
    with pytest.raises(CatalogueError, match="Home Decor"):
        slot_for_article("Lamp", "home_other", "Home Decor")


POLYVORE_COARSE = {
    "top": {Slot.TOP, Slot.SWIMWEAR},
    "bottom": {Slot.BOTTOM, Slot.SWIMWEAR},
    "one_piece": {Slot.DRESS, Slot.SWIMWEAR},
    "outerwear": {Slot.OUTERWEAR},
    "shoes": {Slot.SHOES},
    "bag": {Slot.BAG},
    "jewelry": {Slot.JEWELRY, Slot.ACCESSORY},
    "accessory": {Slot.ACCESSORY},
    "beauty": {Slot.BEAUTY},
    "intimates_sleep": {Slot.INNERWEAR, Slot.SLEEPWEAR, Slot.SWIMWEAR},
    "clothing_other": {Slot.OTHER},
}


def test_every_polyvore_fashion_category_maps_consistently(shared_data) -> None:
    seen = set()
    with open(shared_data / "polyvore-maryland" / "outfits.jsonl", encoding="utf-8") as fh:
        for line in fh:
            for item in json.loads(line)["items"]:
                seen.add((item["category"], item["coarse_type"]))
    fashion = [(c, t) for c, t in seen if t != "home_other"]
    assert len(fashion) > 150
    for category, coarse in fashion:
        assert slot_for_article(category, coarse) in POLYVORE_COARSE[coarse], category


def test_every_article_type_in_the_real_kaggle_file_maps(shared_data) -> None:
    import pandas as pd

    df = pd.read_csv(
        shared_data / "kaggle-fashion-styles" / "styles.csv",
        usecols=["masterCategory", "subCategory", "articleType"],
    )
    triples = set(map(tuple, df.drop_duplicates().itertuples(index=False)))
    assert len({t[2] for t in triples}) == 89
    for master, sub, article in triples:
        expected = KAGGLE.get((article, master, sub))
        assert expected is not None, (article, master, sub)
        assert slot_for_article(article, master, sub) is expected
