using System.Text;
using TinyInit.Spawning;

namespace TinyInit.UnitTests.Spawning;

public class ScriptFallbackTests
{
    private static string? Locate(string command, string searchPath, params string[] executableFiles)
    {
        byte[]? found = ScriptFallback.Locate(Encoding.UTF8.GetBytes(command), Encoding.UTF8.GetBytes(searchPath),
            candidate => executableFiles.Contains(Encoding.UTF8.GetString(candidate)));
        return found is null ? null : Encoding.UTF8.GetString(found);
    }

    [Fact]
    public void A_command_with_a_slash_is_the_file_itself()
    {
        Assert.Equal("./script", Locate("./script", "/bin"));
        Assert.Equal("/opt/x/run", Locate("/opt/x/run", "/bin"));
    }

    [Fact]
    public void The_first_executable_file_along_the_search_path_is_the_one()
    {
        Assert.Equal("/b/tool", Locate("tool", "/a:/b:/c", "/b/tool", "/c/tool"));
    }

    [Fact]
    public void An_empty_entry_is_the_current_directory()
    {
        Assert.Equal("tool", Locate("tool", "/a::/c", "tool", "/c/tool"));
        Assert.Equal("tool", Locate("tool", ":/c", "tool", "/c/tool"));
    }

    [Fact]
    public void Nothing_qualifies_any_more_gives_null()
    {
        Assert.Null(Locate("tool", "/a:/b"));
        Assert.Null(Locate("", "/a:/b", "/a/"));
    }

    [Fact]
    public void Bytes_that_are_not_utf8_pass_through_unchanged()
    {
        byte[] command = [(byte)'t', 0xE9];
        byte[]? found = ScriptFallback.Locate(command, "/a"u8, candidate => true);
        Assert.Equal((byte[])[(byte)'/', (byte)'a', (byte)'/', (byte)'t', 0xE9], found);
    }
}
