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

# The Publisher's integration tests need a real S3 server: start SeaweedFS (and the fault proxy)
# first, export its endpoint and keys, and stop it afterwards whatever the outcome.
test: deps
	@eval "$$(bash scripts/s3-server.sh start)" && trap 'bash scripts/s3-server.sh stop' EXIT && $(SWIFT) test

clean:
	rm -rf .build public .dropgen-cache .edge
