import Foundation

/// `dropgen init`: writes a small site that builds as it is, so a creator starts from something
/// that works and changes it one file at a time.
public enum Scaffold {
    public struct Refused: Error, CustomStringConvertible {
        public var description: String
    }

    /// Writes a new site into `folder` (created if missing; refused if it holds anything).
    /// Returns the written paths, relative to the folder, sorted.
    @discardableResult
    public static func initSite(at folder: URL, now: Date, timeZone: TimeZone = .current) throws -> [String] {
        let manager = FileManager.default
        let folder = folder.standardizedFileURL
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: folder.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw Refused(description: "\(folder.path) is a file, not a folder") }
            let entries = try manager.contentsOfDirectory(atPath: folder.path)
            if !entries.isEmpty {
                throw Refused(description: "\(folder.path) is not empty (\(entries.sorted().prefix(3).joined(separator: ", "))\(entries.count > 3 ? ", …" : "")); `dropgen init` only writes into a new or empty folder")
            }
        }
        let files = siteFiles(now: now, timeZone: timeZone)
        for (path, text) in files {
            let url = folder.appendingPathComponent(path)
            try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url, options: .withoutOverwriting)
        }
        return files.keys.sorted()
    }

    /// An IANA name the site loader accepts; "UTC" when the machine's zone has no such name.
    static func zoneName(_ timeZone: TimeZone) -> String {
        let name = timeZone.identifier
        return name.contains("/") || name == "UTC" ? name : "UTC"
    }

    static func siteFiles(now: Date, timeZone: TimeZone) -> [String: String] {
        let zone = TimeZone(identifier: zoneName(timeZone)) ?? TimeZone(identifier: "UTC")!
        let cadence = Cadence(weekday: 6, hour: 18, minute: 0)
        let opens = cadence.slots(after: now, count: 1, in: zone)[0]
        let clock = LocalClock(timeZone: zone)
        return [
            "dropgen.yaml": """
                # Site settings. Every key is described in the dropgen design notes; unknown keys are errors.
                title: My Drops
                description: Small-batch drops, announced here first.
                # Where the site will live: canonical links, feeds and the sitemap use it.
                base_url: https://drops.example
                currency: EUR
                timezone: \(zoneName(timeZone))
                locale: en
                # The regular drop slot; `dropgen new drop` opens new drops at the next one.
                cadence:
                  weekly: friday 18:00
                archive_after_days: 30
                # Size limits `dropgen check` holds the built site to (KB; page_kb_gzip is gzipped HTML).
                budgets:
                  page_kb_gzip: 14
                  poster_kb: 80
                  hero_clip_kb: 2048
                  page_weight_kb: 300
                publish:
                  default: local
                  targets:
                    # A folder standing in for edge storage; add an s3:// target for production.
                    local: { url: "file://.edge" }
                  html_cache_control: "public, max-age=0, must-revalidate"

                """,
            "content/creators/my-studio.md": """
                ---
                name: My Studio
                location: Somewhere nice
                links:
                  - { label: Newsletter, url: "https://drops.example/newsletter" }
                badges: [founding-maker]
                ---
                A few sentences about who makes these things, and how.

                """,
            "content/badges/founding-maker.md": """
                ---
                name: Founding maker
                for: creator
                icon: "★"
                criteria: Sold in the very first week of this shop.
                holders: [my-studio]
                ---
                Given by hand to the makers who were here from the start.

                """,
            "content/policies/standard.md": """
                ---
                title: Standard policy
                summary: Refunds, reissues and disputes.
                refund_days: 14
                dispute_response_hours: 48
                ---
                ## Refunds
                Return an unused item within **14 days** for a full refund.

                ## Reissues
                Faulty items are remade in the next batch or refunded.

                ## Disputes
                Write to us; a person answers within 48 hours.

                """,
            "content/drops/first-drop.md": """
                ---
                title: First drop
                creator: my-studio
                price: 25
                edition: 20
                remaining: 20
                per_customer_limit: 2
                opens: \(clock.iso(opens))
                closes: \(clock.iso(opens.addingTimeInterval(2 * 86_400)))
                policy: standard
                tags: [first]
                buy_url: https://shop.example/checkout/first-drop
                ---
                Describe the drop here in Markdown: what it is, how many, how it is made.
                `dropgen new drop "Another drop"` writes a new file with every key explained.

                """,
            "templates/README.md": """
                # Templates

                The default theme is built into dropgen. To change a page, put a Mustache file of the
                same name here and it replaces the built-in one, file by file; everything you do not
                override keeps following dropgen's theme as it improves.

                | file | renders |
                |---|---|
                | `layout.mustache` | the frame of every page (head, header, footer); pages fill its `{{$main}}` block |
                | `home.mustache` | `/` |
                | `drops.mustache`, `drop.mustache`, `card.mustache` | the drop listing, one drop, a drop card |
                | `creators.mustache`, `creator.mustache` | makers |
                | `badges.mustache`, `badge.mustache` | badges |
                | `policy.mustache`, `tag.mustache` | policies, tag listings |
                | `404.mustache`, `redirect.mustache` | not found, alias redirects |
                | `styles.mustache`, `footer.mustache` | inlined CSS, the footer partial |

                A drop page must keep `data-state="{{drop.state}}"` and `data-price="{{drop.price_amount}}"`
                where it shows them: the build checks that every page shows the state and price it computed.
                Files in `static/` are published too (CSS, JS and images get a content hash in their name).

                """,
            ".gitignore": """
                public/
                .dropgen-cache/
                .edge/

                """,
            "examples/ci/publish.yml": publishWorkflow,
        ]
    }

    /// A GitHub Actions workflow: build and publish on every push, and again when a drop changes
    /// state. Actions cannot schedule a single future run, so a cheap cron wakes every 15 minutes
    /// and builds only once the `next_transition` recorded by the last build has passed.
    static let publishWorkflow = """
        # Copy to .github/workflows/publish.yml. Needs the repository variable DROPGEN_GIT (the git URL
        # of dropgen's source) and the secrets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY for the
        # `production` target of dropgen.yaml.
        name: publish
        on:
          push:
            branches: [main]
          workflow_dispatch:
          schedule:
            - cron: "*/15 * * * *"
        concurrency:
          group: publish
          cancel-in-progress: false
        jobs:
          publish:
            runs-on: ubuntu-latest
            container: swift:6.1
            steps:
              - uses: actions/checkout@v4
              # Encoded media and the time of the next drop state change, from the previous run.
              - uses: actions/cache/restore@v4
                with:
                  path: .dropgen-cache
                  key: dropgen-${{ github.run_id }}
                  restore-keys: dropgen-
              - name: Due?
                id: due
                run: |
                  next="$(cat .dropgen-cache/next_transition 2>/dev/null || true)"
                  if [ "${{ github.event_name }}" != schedule ]; then echo "run=true" >> "$GITHUB_OUTPUT"
                  elif [ -n "$next" ] && [ "$(date -u +%s)" -ge "$(date -u -d "$next" +%s)" ]; then echo "run=true" >> "$GITHUB_OUTPUT"
                  else echo "run=false" >> "$GITHUB_OUTPUT"; echo "Nothing changes state before ${next:-the next push}."
                  fi
              - name: Install dropgen
                if: steps.due.outputs.run == 'true'
                run: |
                  apt-get update -qq && apt-get install -y -qq git ffmpeg pkg-config libcmark-gfm-dev libcmark-gfm-extensions-dev libwebp-dev zlib1g-dev
                  git clone --depth 1 "${{ vars.DROPGEN_GIT }}" /tmp/dropgen
                  swift build -c release --package-path /tmp/dropgen --product dropgen
                  cp /tmp/dropgen/.build/release/dropgen /usr/local/bin/
              - name: Build
                if: steps.due.outputs.run == 'true'
                run: dropgen build --json > build-report.json
              - name: Publish
                if: steps.due.outputs.run == 'true'
                env:
                  AWS_ACCESS_KEY_ID: ${{ secrets.AWS_ACCESS_KEY_ID }}
                  AWS_SECRET_ACCESS_KEY: ${{ secrets.AWS_SECRET_ACCESS_KEY }}
                run: dropgen publish --target production --yes
              # Schedule the next run: the cron above acts once this instant has passed.
              - name: Record next transition
                if: steps.due.outputs.run == 'true'
                run: |
                  mkdir -p .dropgen-cache
                  sed -n 's/.*"next_transition" *: *"\\([^"]*\\)".*/\\1/p' public/.dropgen/build.json > .dropgen-cache/next_transition
                  echo "Next drop state change: $(cat .dropgen-cache/next_transition)"
              - uses: actions/cache/save@v4
                if: steps.due.outputs.run == 'true'
                with:
                  path: .dropgen-cache
                  key: dropgen-${{ github.run_id }}

        """
}
