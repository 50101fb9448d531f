namespace TinyInit.Ctl;

/// <summary>A 'tinyinit ctl' command line, parsed.</summary>
/// <param name="SocketPath">--control, else TINYINIT_CONTROL; null when neither is given.</param>
/// <param name="Json">--json: print the answer's JSON lines as they come.</param>
/// <param name="Words">The request: the command and its arguments, each without blanks.</param>
internal sealed record CtlRequest(string? SocketPath, bool Json, string[] Words)
{
    public string Command => Words[0];

    /// <summary>The line sent to tinyinit.</summary>
    public string Line => string.Join(' ', Words) + "\n";
}
