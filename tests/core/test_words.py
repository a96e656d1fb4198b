from decimal import Decimal

import pytest

from ispbill.core.words import amount_in_words


@pytest.mark.parametrize(("amount", "english", "bangla"), [
    ("0", "Zero taka only", "শূন্য টাকা মাত্র"),
    ("21", "Twenty-one taka only", "একুশ টাকা মাত্র"),
    ("1380.50", "One thousand three hundred eighty taka and fifty paisa only", "এক হাজার তিন শত আশি টাকা পঞ্চাশ পয়সা মাত্র"),
    ("105000", "One lakh five thousand taka only", "এক লক্ষ পাঁচ হাজার টাকা মাত্র"),
    ("12345678.09", "One crore twenty-three lakh forty-five thousand six hundred seventy-eight taka and nine paisa only",
     "এক কোটি তেইশ লক্ষ পঁয়তাল্লিশ হাজার ছয় শত আটাত্তর টাকা নয় পয়সা মাত্র"),
    ("999.995", "One thousand taka only", "এক হাজার টাকা মাত্র"),  # rounded half-up to the paisa first
])
def test_amounts_in_words_in_english_and_bangla(amount, english, bangla):
    assert amount_in_words(Decimal(amount)) == english
    assert amount_in_words(Decimal(amount), "bn") == bangla


def test_a_negative_amount_is_refused():
    with pytest.raises(ValueError):
        amount_in_words(Decimal("-1"))
