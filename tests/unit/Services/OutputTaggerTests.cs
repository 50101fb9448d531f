using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Unicode;
using TinyInit.Services;

namespace TinyInit.UnitTests.Services;

public class OutputTaggerTests
{
    private const int Max = OutputTagger.DefaultMaxLineLength;

    [Fact]
    public void Each_complete_line_is_one_chunk_with_its_prefix_and_newline()
    {
        var output = new ChunkRecorder();
        var web = new OutputTagger("web", output);

        web.Feed("GET /\nGET /favicon.ico\n\n"u8);

        AssertChunks(output, "[web] GET /\n", "[web] GET /favicon.ico\n", "[web] \n");
        Assert.Equal(0, web.HeldBytes);
    }

    [Fact]
    public void Interleaved_partial_lines_of_two_services_come_out_whole()
    {
        var output = new ChunkRecorder();
        var web = new OutputTagger("web", output);
        var worker = new OutputTagger("worker", output);

        web.Feed("listening on"u8);
        worker.Feed("picked job "u8);
        web.Feed(" :80\nGET "u8);
        worker.Feed("42\ndone 4"u8);
        web.Feed("/\n"u8);
        worker.Feed("2\n"u8);

        AssertChunks(output,
            "[web] listening on :80\n",
            "[worker] picked job 42\n",
            "[web] GET /\n",
            "[worker] done 42\n");
    }

    [Fact]
    public void A_line_fed_one_byte_at_a_time_is_one_chunk()
    {
        var output = new ChunkRecorder();
        var web = new OutputTagger("web", output);
        byte[] line = "a line that arrives in many small reads\n"u8.ToArray();

        for (int i = 0; i < line.Length; i++)
        {
            Assert.Empty(output.Chunks);
            web.Feed(line.AsSpan(i, 1));
        }

        AssertChunks(output, "[web] a line that arrives in many small reads\n");
    }

    [Fact]
    public void Flush_ends_a_partial_last_line_with_a_newline()
    {
        var output = new ChunkRecorder();
        var web = new OutputTagger("web", output);

        web.Feed("first\nlast words"u8);
        AssertChunks(output, "[web] first\n");
        Assert.Equal(10, web.HeldBytes);

        web.Flush();
        web.Flush();

        AssertChunks(output, "[web] first\n", "[web] last words\n");
        Assert.Equal(0, web.HeldBytes);
    }

    [Fact]
    public void Flush_with_nothing_held_writes_nothing()
    {
        var output = new ChunkRecorder();
        var web = new OutputTagger("web", output);

        web.Feed([]);
        web.Flush();
        web.Feed("done\n"u8);
        web.Flush();

        AssertChunks(output, "[web] done\n");
    }

    [Fact]
    public void Bytes_that_are_not_UTF8_pass_through_unchanged()
    {
        var output = new ChunkRecorder();
        var web = new OutputTagger("web", output);
        byte[] garbage =
        [
            0xFF, 0xFE, (byte)'x', 0x80, 0xBF, 0xBF, (byte)' ', 0xC0, 0xAF, (byte)' ',
            0xED, 0xA0, 0x80, (byte)' ', 0xF8, 0x88, 0x80, 0x80, 0x80, (byte)' ', 0x00, 0x1B, (byte)'[', (byte)'m', 0xE2, 0x82,
        ];

        web.Feed(garbage.AsSpan(0, 5));
        web.Feed(garbage.AsSpan(5));
        web.Feed("\n"u8);
        web.Feed([0xF0, 0x9F]);
        web.Flush();

        Assert.Equal(2, output.Chunks.Count);
        Assert.Equal([.. "[web] "u8, .. garbage, (byte)'\n'], output.Chunks[0]);
        Assert.Equal([.. "[web] "u8, 0xF0, 0x9F, (byte)'\n'], output.Chunks[1]);
    }

    [Fact]
    public void CRLF_is_kept_as_it_is()
    {
        var output = new ChunkRecorder();
        var web = new OutputTagger("web", output);

        web.Feed("one\r\ntwo\r"u8);
        web.Feed("\nprogress 10%\rprogress 20%\r\n"u8);

        AssertChunks(output, "[web] one\r\n", "[web] two\r\n", "[web] progress 10%\rprogress 20%\r\n");
    }

    [Fact]
    public void A_100_KiB_line_is_cut_into_prefixed_chunks_within_the_maximum()
    {
        var output = new ChunkRecorder();
        var web = new OutputTagger("web", output);
        byte[] line = AsciiLine(100 * 1024);

        web.Feed(line);
        Assert.True(web.HeldBytes < Max);
        web.Feed("\n"u8);

        byte[] prefix = "[web] "u8.ToArray();
        Assert.Equal(7, output.Chunks.Count); // 102400 bytes, 16383 per chunk
        Assert.All(output.Chunks, chunk =>
        {
            Assert.True(chunk.Length <= Max + prefix.Length, $"chunk of {chunk.Length} bytes");
            Assert.Equal(prefix, chunk[..prefix.Length]);
            Assert.Equal((byte)'\n', chunk[^1]);
        });
        Assert.Equal(line, Bodies(output, prefix.Length));
    }

    [Fact]
    public void A_long_line_fed_in_odd_pieces_is_cut_the_same_way()
    {
        byte[] line = AsciiLine(100 * 1024);
        var whole = new ChunkRecorder();
        new OutputTagger("web", whole).Feed([.. line, (byte)'\n']);

        var pieces = new ChunkRecorder();
        var web = new OutputTagger("web", pieces);
        var random = new Random(6);
        int at = 0;
        while (at < line.Length)
        {
            int length = Math.Min(random.Next(1, 5000), line.Length - at);
            web.Feed(line.AsSpan(at, length));
            Assert.True(web.HeldBytes < Max);
            at += length;
        }

        web.Feed("\n"u8);

        Assert.Equal(whole.Chunks, pieces.Chunks);
    }

    [Theory]
    [InlineData(Max - 1, 1)]
    [InlineData(Max, 2)]
    [InlineData(2 * (Max - 1), 2)]
    [InlineData(2 * (Max - 1) + 1, 3)]
    public void A_line_fills_a_chunk_to_the_maximum_before_it_is_cut(int length, int chunks)
    {
        var output = new ChunkRecorder();
        var web = new OutputTagger("web", output);

        web.Feed([.. AsciiLine(length), (byte)'\n']);

        Assert.Equal(chunks, output.Chunks.Count);
        Assert.Equal(Max + "[web] ".Length, output.Chunks[0].Length);
        Assert.Equal(0, web.HeldBytes);
    }

    [Fact]
    public void A_cut_does_not_split_a_UTF8_character()
    {
        var output = new ChunkRecorder();
        var web = new OutputTagger("web", output, maxLineLength: 64);
        byte[] line = Encoding.UTF8.GetBytes("x" + string.Concat(Enumerable.Repeat("é€😀", 40)));

        web.Feed(line);
        web.Flush();

        Assert.True(output.Chunks.Count > 2);
        Assert.All(output.Chunks, chunk =>
        {
            Assert.True(chunk.Length <= 64 + "[web] ".Length);
            Assert.True(Utf8.IsValid(chunk), Convert.ToHexString(chunk));
        });
        Assert.Equal(line, Bodies(output, "[web] ".Length));
    }

    [Fact]
    public void A_cut_in_bytes_that_only_look_like_UTF8_still_makes_progress()
    {
        var output = new ChunkRecorder();
        var web = new OutputTagger("web", output, maxLineLength: 8);
        byte[] line = [.. Enumerable.Repeat((byte)0xF0, 50), .. Enumerable.Repeat((byte)0x80, 50)];

        web.Feed(line);
        web.Flush();

        Assert.All(output.Chunks, chunk => Assert.True(chunk.Length <= 8 + "[web] ".Length));
        Assert.Equal(line, Bodies(output, "[web] ".Length));
    }

    [Fact]
    public void The_prefix_is_the_name_in_brackets()
    {
        var output = new ChunkRecorder();
        var tagger = new OutputTagger("api.v2-1_x", output);

        tagger.Feed("ok\n"u8);

        AssertChunks(output, "[api.v2-1_x] ok\n");
        Assert.Equal("[api.v2-1_x] ".Length, tagger.PrefixLength);
    }

    [Fact]
    public void Feeding_allocates_nothing()
    {
        var sink = new CountingSink();
        var web = new OutputTagger("web", sink);
        byte[] data = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("short line\npartial", 1000)) + new string('y', 40_000) + "\n");
        web.Feed(data);
        web.Flush();

        long before = GC.GetAllocatedBytesForCurrentThread();
        web.Feed(data);
        web.Flush();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.True(sink.Count > 2000);
    }

    [Fact]
    public void Rejects_a_maximum_too_small_to_make_progress() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new OutputTagger("web", new ChunkRecorder(), maxLineLength: 7));

    private static byte[] AsciiLine(int length) =>
        Enumerable.Range(0, length).Select(i => (byte)('a' + (i % 26))).ToArray();

    private static byte[] Bodies(ChunkRecorder output, int prefixLength) =>
        output.Chunks.SelectMany(chunk => chunk[prefixLength..^1]).ToArray();

    private static void AssertChunks(ChunkRecorder output, params string[] expected) =>
        Assert.Equal(expected, output.Chunks.Select(chunk => Encoding.UTF8.GetString(chunk)));

    private sealed class CountingSink : ITaggedOutputSink
    {
        public int Count { get; private set; }

        public void Write(ReadOnlySpan<byte> chunk) => Count++;
    }
}
