#!/usr/bin/env python3
"""Writes a synthetic dropgen site of N drops, and optionally an equivalent Hugo site built from
the same Markdown bodies, for `make bench`.

    scripts/bench-site.py N DROPGEN_DIR [HUGO_DIR]

Deterministic (seeded): the same N gives the same files, so runs compare. No media: the benchmark
measures loading, rendering and writing, not ffmpeg.
"""
import os
import random
import sys

WORDS = ("clay glaze kiln wheel speckle oatmeal stoneware thrown fired batch linen wool knit "
         "candle wick beeswax soy linocut print paper ink press sourdough rye crust market stall "
         "pickup winter harvest small hand made signed numbered edition shelf morning studio").split()


def sentence(rng, n):
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def body(rng):
    paragraphs = []
    for _ in range(3):
        paragraphs.append(" ".join(sentence(rng, rng.randint(8, 16)) for _ in range(4)))
    paragraphs.insert(1, "- **" + rng.choice(WORDS) + "** " + sentence(rng, 6) + "\n- " + sentence(rng, 5) + "\n- " + sentence(rng, 7))
    return "\n\n".join(paragraphs) + "\n"


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    n = int(sys.argv[1])
    site = sys.argv[2]
    hugo = sys.argv[3] if len(sys.argv) > 3 else None
    rng = random.Random(20261204)
    creators = [f"maker-{i:04d}" for i in range(max(1, n // 20))]
    tags = [f"tag-{i:02d}" for i in range(50)]
    badges = ["reliable-maker", "local-maker", "founding-maker", "repeat-buyer", "early-bird"]

    write(f"{site}/dropgen.yaml", """title: Bench Market
base_url: https://bench.example
currency: EUR
timezone: Europe/Berlin
cadence:
  weekly: friday 18:00
""")
    write(f"{site}/content/policies/standard.md",
          "---\ntitle: Standard\nrefund_days: 14\ndispute_response_hours: 24\n---\nRefunds within 14 days.\n")
    for b in badges:
        audience = "buyer" if b in ("repeat-buyer", "early-bird") else "creator"
        holders = creators[: len(creators) // 3] if audience == "creator" else ["Ada", "Ben"]
        write(f"{site}/content/badges/{b}.md",
              f"---\nname: {b.replace('-', ' ').title()}\nfor: {audience}\ncriteria: {sentence(rng, 8)}\n"
              f"holders: [{', '.join(holders)}]\n---\n{sentence(rng, 12)}\n")
    for c in creators:
        write(f"{site}/content/creators/{c}.md",
              f"---\nname: {c.replace('-', ' ').title()}\nlocation: Leipzig\n---\n{sentence(rng, 20)}\n")
        if hugo:
            write(f"{hugo}/content/creators/{c}.md",
                  f"---\ntitle: \"{c.replace('-', ' ').title()}\"\n---\n{sentence(rng, 20)}\n")

    for i in range(n):
        slug = f"drop-{i:05d}"
        creator = creators[i % len(creators)]
        drop_tags = sorted(set(rng.sample(tags, 3)))
        day = 1 + i % 28
        month = 1 + (i // 28) % 12
        opens = f"2026-{month:02d}-{day:02d}T18:00:00+01:00"
        closes = f"2026-{month:02d}-{day:02d}T23:00:00+01:00"
        text = body(rng)
        price = 10 + i % 90
        write(f"{site}/content/drops/{slug}.md",
              f"---\ntitle: Drop number {i}\ncreator: {creator}\nprice: {price}\nedition: 20\nremaining: {i % 21}\n"
              f"opens: {opens}\ncloses: {closes}\npolicy: standard\ntags: [{', '.join(drop_tags)}]\n"
              f"buy_url: https://shop.bench.example/{slug}\n---\n{text}")
        if hugo:
            write(f"{hugo}/content/drops/{slug}.md",
                  f"---\ntitle: \"Drop number {i}\"\ndate: {opens}\ntags: [{', '.join(drop_tags)}]\n"
                  f"creator: {creator}\nprice: {price}\n---\n{text}")

    if hugo:
        write(f"{hugo}/hugo.toml", 'baseURL = "https://bench.example/"\ntitle = "Bench Market"\n'
              'disableKinds = []\n[taxonomies]\ntag = "tags"\n')
        write(f"{hugo}/layouts/_default/baseof.html",
              '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title>'
              '<link rel="canonical" href="{{ .Permalink }}"></head><body><header><a href="/">{{ site.Title }}</a>'
              '<nav><a href="/drops/">Drops</a> <a href="/creators/">Makers</a></nav></header>'
              '<main>{{ block "main" . }}{{ end }}</main></body></html>\n')
        write(f"{hugo}/layouts/_default/single.html",
              '{{ define "main" }}<article><h1>{{ .Title }}</h1>{{ with .Params.creator }}<p>by <a href="/creators/{{ . }}/">{{ . }}</a></p>{{ end }}'
              '{{ with .Params.price }}<p class="price">€{{ . }}</p>{{ end }}{{ .Content }}'
              '<p>{{ range .GetTerms "tags" }}<a href="{{ .RelPermalink }}">#{{ .LinkTitle }}</a> {{ end }}</p></article>{{ end }}\n')
        write(f"{hugo}/layouts/_default/list.html",
              '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Summary }}</li>{{ end }}</ul>{{ end }}\n')
        write(f"{hugo}/layouts/index.html",
              '{{ define "main" }}<h1>{{ site.Title }}</h1><ul>{{ range first 24 (where site.RegularPages "Section" "drops") }}'
              '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n')


if __name__ == "__main__":
    main()
