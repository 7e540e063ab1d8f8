"""corpus.py - a reproducible news-like JSON Lines corpus for the distributed
tests: documents with several paragraphs mentioning the aliases of
tests/data/fixture.tsv (countries, PBB, Kim Jong Un, "dolar AS" ...), non-ASCII
text, hyphens and quotes, spread over shards the way a feed archive is."""
import gzip
import json
import os
import random

WORDS = ("pemerintah menyatakan bahwa sanksi baru akan segera diberlakukan terhadap "
         "perusahaan pelayaran yang diduga membantu ekspor batu bara secara ilegal "
         "menurut laporan panel ahli yang dirilis pada hari Selasa di kantor pusat "
         "para diplomat menyebut langkah itu sebagai pesan yang jelas kepada rezim").split()
MENTIONS = ["Korut", "Korea Utara", "AS", "Amerika Serikat", "U.S.", "United States",
            "Korsel", "Korea Selatan", "DPRK", "North Korea", "Laos", "laos", "Türkiye",
            "TÜRKIYE", "Georgia", "ASEAN", "PBB", "Perserikatan Bangsa-Bangsa",
            "Dewan Keamanan PBB", "DK PBB", "Kim Jong Un", "Kim Jong-un", "Seoul",
            "Pyongyang", "dolar AS", "as", "kelas", "anti-AS", "Korea. Utara",
            "KOREA UTARA", "“Korut”", "(PBB)", "Jong‐un"]


def sentence(rnd):
    words = [rnd.choice(WORDS) for _ in range(rnd.randint(6, 18))]
    for _ in range(rnd.randint(0, 3)):
        words.insert(rnd.randint(0, len(words)), rnd.choice(MENTIONS))
    s = " ".join(words)
    return s[0].upper() + s[1:] + rnd.choice([".", ".", "!", "?", " …"])


def document(rnd, i):
    paras = []
    for _ in range(rnd.randint(1, 6)):
        paras.append(" ".join(sentence(rnd) for _ in range(rnd.randint(1, 6))))
    return {"id": "doc-%05d" % i, "date": "2024-%02d-%02d" % (1 + i % 12, 1 + i % 28),
            "source": rnd.choice(["antara", "detik", "kompas"]), "text": "\n\n".join(paras)}


def documents(n, seed=1718):
    rnd = random.Random(seed)
    return [document(rnd, i) for i in range(n)]


def lines(docs):
    return [json.dumps(d, ensure_ascii=(i % 3 == 0)) + "\n" for i, d in enumerate(docs)]


def write_shards(top, n=1500, bad_lines=True):
    """Writes the corpus as shards under `top` and returns their paths in the
    order `sanctag tag top` reads them (name order, subdirectories in place).
    With bad_lines, two documents are broken (malformed JSON, no text field)
    and blank lines are sprinkled in, so error records are compared too."""
    ls = lines(documents(n))
    if bad_lines:
        ls[37] = '{"id": "broken-37", "text": "Korut\n'
        ls[811] = '{"id": "no-text-811", "body": "Korut"}\n'
        ls[400] = "\n" + ls[400]
    # uneven shards: sizes cycle so some are tiny and one is empty
    plan = [("2024-01.jsonl", 210), ("2024-02.jsonl", 1), ("2024-03.jsonl.gz", 300),
            ("2024-04/part-0.jsonl", 180), ("2024-04/part-1.ndjson", 260),
            ("2024-05.jsonl", 0), ("2024-06.jsonl", None)]
    order = []
    k = 0
    for name, count in plan:
        chunk = ls[k:] if count is None else ls[k:k + count]
        k += len(chunk)
        path = os.path.join(top, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = "".join(chunk).encode("utf-8")
        if name.endswith(".gz"):
            with gzip.open(path, "wb") as f:
                f.write(data)
        else:
            with open(path, "wb") as f:
                f.write(data)
        order.append(path)
    # not a shard: dot files and other names are skipped by both
    with open(os.path.join(top, ".hidden.jsonl"), "w") as f:
        f.write('{"id": "hidden", "text": "Korut"}\n')
    with open(os.path.join(top, "README.md"), "w") as f:
        f.write("not a shard\n")
    return order  # the plan is in alphasort order, the subdirectory where it sorts
