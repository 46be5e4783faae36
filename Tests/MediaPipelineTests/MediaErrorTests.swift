import Testing
@testable import MediaPipeline

/// Media errors print in the dialect of every other error: `file:line:column: key: message`,
/// with as much of the place as is known.
@Suite struct MediaErrorTests {
    static let source = MediaSource(file: "content/drops/mug.md", line: 7, column: 10, key: "hero.video")

    @Test(arguments: [
        (MediaError(source, "file not found: clip.mp4"), "content/drops/mug.md:7:10: hero.video: file not found: clip.mp4"),
        // Another key of the same hero has only the column it is given.
        (MediaError(source, key: "hero.duration", line: 8, "too long"), "content/drops/mug.md:8: hero.duration: too long"),
        (MediaError(source, key: "hero.duration", line: 8, column: 13, "too long"), "content/drops/mug.md:8:13: hero.duration: too long"),
        (MediaError(file: "content/drops/mug.md", column: 4, key: "images[0].src", message: "bad"), "content/drops/mug.md: images[0].src: bad"),
        (MediaError(file: ".dropgen-cache/media", key: "media", message: "cannot list the cache"), ".dropgen-cache/media: media: cannot list the cache"),
    ])
    func descriptionNamesThePlace(_ error: MediaError, _ text: String) {
        #expect(error.description == text)
    }
}
