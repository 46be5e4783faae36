SWIFT ?= swift
DROPGEN = .build/debug/dropgen

.PHONY: deps build demo test clean

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build --product dropgen

demo: build
	$(DROPGEN) build --site . --out public
	@echo "Open public/index.html, or browse public/ (manifest: public/.dropgen/manifest.json)."

test: deps
	$(SWIFT) test

clean:
	rm -rf .build public .dropgen-cache .edge

# Synthetic-site benchmark (release build); BENCH_DROPS=1000 for a quick run.
.PHONY: bench
bench: deps
	@bash scripts/bench.sh
