"""Kinds of words, by word list, for reading what an attention-pooled classifier looks at in
product reviews (CR: Hu and Liu 2004, reviews of cameras, phones, MP3 and DVD players, routers and
software): brand and product names, product parts and features, sentiment words, negations,
function words, and the rest.

The lists are hand-made and small (they are printed in the report's notes by size): the brands
and models of CR's products, the parts those reviews talk about, common English opinion words
(the most frequent of Hu and Liu's opinion lexicon kind: "great", "poor", "love", "junk"), and
English function words. A word is of the first kind whose list holds it.
"""

from __future__ import annotations

BRANDS = frozenset("""apex canon creative nikon nokia ipod apple norton symantec linksys hitachi sony microsoft
windows zen nomad jukebox xtra coolpix powershot g3 s100 sd500 6610 6600 4300 micromp3 diaper champ""".split())
PRODUCTS = frozenset("""player camera cameras phone phones router dvd dvds mp3 software battery batteries screen lens
picture pictures photo photos image images quality menu menus button buttons sound headphones case price size design
feature features zoom flash memory card cards disc discs disk remote firmware interface display signal reception
keypad keys service cell unit product device machine ringtones ringtone speaker speakers computer drive hard connection
setup manual video movies music songs files program virus viruses wireless internet viewfinder controls settings
mode modes shots playback volume storage charger cable usb radio speakerphone antivirus scan""".split())
SENTIMENT = frozenset("""good great excellent amazing awesome fantastic wonderful superb outstanding perfect nice
love loved loves like liked best better happy pleased satisfied impressed recommend recommended easy easier simple
fast solid sturdy worth fine cool beautiful clear sharp reliable incredible favorite glad enjoy fun handy decent
bad poor terrible awful horrible worst worse hate hated problem problems disappointed disappointing difficult
annoying cheap flimsy useless junk waste broke broken defective failed fails slow unfortunately complaint
complaints issue issues wrong stupid sucks crap frustrating frustrated returned return weak mediocre noisy
unreliable ugly lousy hard""".split())
NEGATIONS = frozenset("not no n't never nothing none nor cannot without".split())
FUNCTION = frozenset("""the a an and or but if of to in on at for with from by as is are was were be been being am
it its it's this that these those there here i me my we our you your he she they them their his her what which
who whom whose when where why how all any both each few more most other some such only own same so than too very
s 's can will just do does did doing have has had having would could should may might must shall about above
after again against before below between during into out over through under until up down off once then also
, . ! ? ; : - ( ) " ' ...""".split())
KINDS = (("brand or product name", BRANDS), ("product part or feature", PRODUCTS), ("sentiment word", SENTIMENT),
         ("negation", NEGATIONS), ("function word", FUNCTION))
OTHER = "other"
PLURAL = {"brand or product name": "brand and product names", "product part or feature": "product parts and features",
          "sentiment word": "sentiment words", "negation": "negations", "function word": "function words",
          OTHER: "other words"}


def kind(word: str) -> str:
    """The kind of `word` (lower-cased): the first of `KINDS` whose list holds it, else "other"."""
    word = word.lower()
    return next((name for name, words in KINDS if word in words), OTHER)


def by_kind(pairs_list: list[list[tuple[str, float]]]) -> dict[str, dict]:
    """Per kind: "relative attention" (mean of weight x sentence length over its tokens: 1 = an
    even share), "tokens", and "most attended" (share of sentences whose most attended word is of
    that kind), over the (token, weight) lists of a test set."""
    names = [name for name, _ in KINDS] + [OTHER]
    total = dict.fromkeys(names, 0.0)
    tokens = dict.fromkeys(names, 0)
    top = dict.fromkeys(names, 0)
    sentences = 0
    for pairs in pairs_list:
        if not pairs:
            continue
        sentences += 1
        n = len(pairs)
        top[kind(max(pairs, key=lambda p: p[1])[0])] += 1
        for token, weight in pairs:
            k = kind(token)
            total[k] += weight * n
            tokens[k] += 1
    return {k: {"relative attention": total[k] / tokens[k] if tokens[k] else float("nan"), "tokens": tokens[k],
                "most attended": top[k] / max(1, sentences)} for k in names}
