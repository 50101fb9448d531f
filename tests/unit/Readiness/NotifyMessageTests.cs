using System.Text;
using TinyInit.Readiness;

namespace TinyInit.UnitTests.Readiness;

public class NotifyMessageTests
{
    private static NotifyMessage Parse(string text) => NotifyMessage.Parse(Encoding.UTF8.GetBytes(text));

    [Theory]
    [InlineData("READY=1", true, null)]
    [InlineData("READY=1\n", true, null)]
    [InlineData("STATUS=Starting up\nREADY=1\nMAINPID=42", true, "Starting up")]
    [InlineData("STATUS=one\nSTATUS=two", false, "two")]
    [InlineData("STATUS=", false, "")]
    [InlineData("READY=0", false, null)]
    [InlineData("READY=10", false, null)]
    [InlineData("ready=1", false, null)]
    [InlineData(" READY=1", false, null)]
    [InlineData("WATCHDOG=1\nFDSTORE=1", false, null)]
    [InlineData("", false, null)]
    [InlineData("\n\n", false, null)]
    public void Reads_ready_and_status(string text, bool ready, string? status)
    {
        Assert.Equal(new NotifyMessage(ready, status), Parse(text));
    }

    [Fact]
    public void A_message_with_a_nul_byte_is_ignored_whole()
    {
        Assert.Equal(default, Parse("READY=1\0"));
    }

    [Fact]
    public void Status_is_made_safe_for_a_log_line()
    {
        NotifyMessage message = NotifyMessage.Parse([.. "STATUS=a\tb\u001b[31mc "u8, 0xFF]);

        Assert.Equal("a?b?[31mc \uFFFD", message.Status);
    }

    [Fact]
    public void Status_is_capped()
    {
        Assert.Equal(NotifyMessage.MaxStatusLength, Parse("STATUS=" + new string('x', 5000)).Status!.Length);
    }
}
