"""Amounts in words for receipts, in English and Bangla, grouped the South Asian way (thousand,
lakh, crore) as money is written in Bangladesh: 1,380.50 is "one thousand three hundred eighty
taka and fifty paisa only" / "এক হাজার তিন শত আশি টাকা পঞ্চাশ পয়সা মাত্র"."""

from decimal import ROUND_HALF_UP, Decimal

_EN_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen"
).split()
_EN_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
# Bangla has a word of its own for each number below a hundred.
_BN_0_99 = (
    "শূন্য এক দুই তিন চার পাঁচ ছয় সাত আট নয় দশ এগারো বারো তেরো চৌদ্দ পনেরো ষোলো সতেরো আঠারো উনিশ "
    "বিশ একুশ বাইশ তেইশ চব্বিশ পঁচিশ ছাব্বিশ সাতাশ আটাশ ঊনত্রিশ ত্রিশ একত্রিশ বত্রিশ তেত্রিশ চৌত্রিশ "
    "পঁয়ত্রিশ ছত্রিশ সাঁইত্রিশ আটত্রিশ ঊনচল্লিশ চল্লিশ একচল্লিশ বিয়াল্লিশ তেতাল্লিশ চুয়াল্লিশ পঁয়তাল্লিশ "
    "ছেচল্লিশ সাতচল্লিশ আটচল্লিশ ঊনপঞ্চাশ পঞ্চাশ একান্ন বাহান্ন তিপ্পান্ন চুয়ান্ন পঞ্চান্ন ছাপ্পান্ন সাতান্ন "
    "আটান্ন ঊনষাট ষাট একষট্টি বাষট্টি তেষট্টি চৌষট্টি পঁয়ষট্টি ছেষট্টি সাতষট্টি আটষট্টি ঊনসত্তর সত্তর "
    "একাত্তর বাহাত্তর তিয়াত্তর চুয়াত্তর পঁচাত্তর ছিয়াত্তর সাতাত্তর আটাত্তর ঊনআশি আশি একাশি বিরাশি তিরাশি "
    "চুরাশি পঁচাশি ছিয়াশি সাতাশি অষ্টাশি ঊননব্বই নব্বই একানব্বই বিরানব্বই তিরানব্বই চুরানব্বই পঁচানব্বই "
    "ছিয়ানব্বই সাতানব্বই আটানব্বই নিরানব্বই"
).split()
assert len(_BN_0_99) == 100
# (size, English, Bangla), largest first; a crore of crores is still counted in crores.
_SCALES = ((10_000_000, "crore", "কোটি"), (100_000, "lakh", "লক্ষ"), (1_000, "thousand", "হাজার"), (100, "hundred", "শত"))


def _en_below_100(n: int) -> str:
    if n < 20:
        return _EN_ONES[n]
    tens, ones = divmod(n, 10)
    return _EN_TENS[tens] + (f"-{_EN_ONES[ones]}" if ones else "")


def _words(n: int, language: str) -> str:
    if n < 100:
        return _BN_0_99[n] if language == "bn" else _en_below_100(n)
    parts = []
    for size, en, bn in _SCALES:
        if n >= size:
            count, n = divmod(n, size)
            parts.append(f"{_words(count, language)} {bn if language == 'bn' else en}")
    if n:
        parts.append(_words(n, language))
    return " ".join(parts)


def amount_in_words(amount: Decimal, language: str = "en") -> str:
    """Taka and paisa in words, ending "only" / "মাত্র". Negative amounts are not money received."""
    amount = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if amount < 0:
        raise ValueError("amount_in_words takes a positive amount")
    taka, paisa = divmod(int(amount * 100), 100)
    if language == "bn":
        text = f"{_words(taka, 'bn')} টাকা"
        if paisa:
            text += f" {_words(paisa, 'bn')} পয়সা"
        return f"{text} মাত্র"
    text = f"{_words(taka, 'en')} taka"
    if paisa:
        text += f" and {_words(paisa, 'en')} paisa"
    return f"{text[0].upper()}{text[1:]} only"
