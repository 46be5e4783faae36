SWIFT ?= swift
DROPGEN = DROPGEN_ACCESS_SECRET="$${DROPGEN_ACCESS_SECRET:-$(DEMO_ACCESS_SECRET)}" .build/debug/dropgen
# The sample site is dated around one market weekend; the demo builds it at a clock inside it
# so that every drop state shows. Override with `make demo DEMO_NOW=…`.
DEMO_NOW ?= 2026-12-04T12:00:00+01:00
# The sample market's mugs have early access: personal links need a secret (a real site keeps its
# own in the environment, e.g. a CI secret). This one is for the demo only.
DEMO_ACCESS_SECRET ?= sample-market-demo-access-secret

.PHONY: deps build demo preview test fuzz clean

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build --product dropgen

demo: build
	$(DROPGEN) build --site . --out public --now $(DEMO_NOW)
	$(DROPGEN) publish --site . --target local
	@echo
	@echo "A sale between builds: holiday ornaments go from 12 to 9 left. The stock ledger at the edge"
	@echo "records it, and only the objects that show that drop's stock are published again:"
	$(DROPGEN) stock set holiday-ornaments 9 --site . --target local --now $(DEMO_NOW)
	@echo "The edge's live file now reads: $$(cat .edge/live/holiday-ornaments.json)"
	@echo "and its page: $$(grep -o '[0-9]* of 30 left' .edge/drops/holiday-ornaments/index.html | head -1)."
	@echo
	@echo "The sample market is built into public/. To look at it, run \`make preview\` and open"
	@echo "http://127.0.0.1:8080/ (or /drops/holiday-ornaments/, 9 left: serve reads the ledger too): dropgen serve,"
	@echo "with the edge's cache rules, rebuilding and reloading the tab when a file changes. It is also published to the local edge"
	@echo "folder .edge/; \`.build/debug/dropgen deploys\` lists its deploys. Build record: public/.dropgen/build.json."

# The sample market in a browser, at the demo's clock: http://127.0.0.1:8080/ (PREVIEW_PORT).
PREVIEW_PORT ?= 8080
preview: build
	$(DROPGEN) serve --site . --now $(DEMO_NOW) --port $(PREVIEW_PORT)

# The layering check (scripts/check-layering.sh, with its own test) runs first: it takes a second.
# The build fails on an import of one of the package's targets that the importer does not declare.
# The Publisher's integration tests need a real S3 server: start SeaweedFS (and the fault proxy)
# first, export its endpoint and keys, and stop it afterwards whatever the outcome. The tests'
# scratch sites go to a temporary folder of this run's own (TMPDIR), removed afterwards.
# The release build, once per `make test` (scripts/release.sh: static Swift runtime, stripped, man
# page), then scripts/test-install.sh as root: the binary alone with the repository and the
# toolchain hidden (build, check, publish the sample site), `make install`/`uninstall` into a
# scratch PREFIX, and the .deb installed, used and removed.
test: deps
	@bash scripts/test-check-layering.sh
	@bash scripts/install-deps.sh --test
	$(SWIFT) build --build-tests --explicit-target-dependency-import-check error
	@eval "$$(bash scripts/s3-server.sh start)" && scratch="$$(mktemp -d)" \
		&& trap 'bash scripts/s3-server.sh stop; rm -rf "$$scratch"' EXIT && TMPDIR="$$scratch" $(SWIFT) test --skip-build
	@FUZZ_SECONDS=$(TEST_FUZZ_SECONDS) SWIFT=$(SWIFT) bash scripts/fuzz.sh
	@SWIFT=$(SWIFT) bash scripts/release.sh
	@SWIFT=$(SWIFT) bash scripts/test-install.sh

# libFuzzer targets for every parser (Fuzz/, built with address sanitizer into .build-fuzz/), one
# after another for FUZZ_SECONDS each; `make test` runs each for TEST_FUZZ_SECONDS.
FUZZ_SECONDS ?= 60
TEST_FUZZ_SECONDS ?= 5
fuzz: deps
	@FUZZ_SECONDS=$(FUZZ_SECONDS) SWIFT=$(SWIFT) bash scripts/fuzz.sh

clean:
	rm -rf .build .build-fuzz public .dropgen-cache .edge

# Synthetic-site benchmark (release build); BENCH_DROPS=1000 for a quick run.
.PHONY: bench
bench: deps
	@bash scripts/bench.sh

# Publishing one built folder of a synthetic site (BENCH_PUBLISH_DROPS, default 2000) to a SeaweedFS
# server of its own behind the request-counting proxy: dropgen publish, rclone sync and hugo deploy,
# first deploy and one-edit re-deploy, median of BENCH_ROUNDS (3) with request counts.
.PHONY: bench-publish
bench-publish: deps
	@bash scripts/bench-publish.sh

# How fast a sale reaches the edge (issue 14's targets): `dropgen stock set` and a webhook into
# `dropgen live` on a 10,000-drop site (BENCH_LIVE_DROPS) published to a SeaweedFS server of its
# own, median of 5 with requests, then a burst of 100 webhooks in one second.
.PHONY: bench-live
bench-live: deps
	@bash scripts/bench-live.sh

# This checkout against BASE (a commit) or BASE_BIN (a dropgen): output byte for byte, then
# cold / no-change / one-edit builds with the two binaries alternating.
.PHONY: bench-compare
bench-compare: deps
	@BASE="$(BASE)" BASE_BIN="$(BASE_BIN)" bash scripts/bench-compare.sh

# Installing dropgen like a tool: one executable (the Swift runtime and the default theme built in)
# and its man page. `make release` builds them into .build-release/; `make install` copies exactly
# these two files under PREFIX (and DESTDIR), `make uninstall` removes exactly these two files;
# `make deb` packages them as .build-release/dropgen_<version>_<arch>.deb (/usr/bin/dropgen).
PREFIX ?= /usr/local
INSTALLED = $(DESTDIR)$(PREFIX)/bin/dropgen $(DESTDIR)$(PREFIX)/share/man/man1/dropgen.1
.PHONY: release install uninstall deb
release: deps
	@SWIFT=$(SWIFT) bash scripts/release.sh

install: release
	install -D -m 755 .build-release/dropgen $(DESTDIR)$(PREFIX)/bin/dropgen
	install -D -m 644 .build-release/dropgen.1 $(DESTDIR)$(PREFIX)/share/man/man1/dropgen.1

uninstall:
	rm -f $(INSTALLED)

deb: release
	@bash scripts/install-deps.sh --deb
	@bash scripts/deb.sh
