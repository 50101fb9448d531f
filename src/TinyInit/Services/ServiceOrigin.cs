using TinyInit.Cli;

namespace TinyInit.Services;

/// <summary>
/// Where a service was defined: a Procfile line or a <c>--service</c> option. Kept with the
/// definition so that an error about a duplicate can point at both places, as a compiler would.
/// </summary>
/// <param name="File">The Procfile as the user named it; null for <c>--service</c>.</param>
/// <param name="Line">The 1-based line in <paramref name="File"/>; 0 for <c>--service</c>.</param>
/// <param name="Option">The <c>--service</c> value as given; null for a Procfile line.</param>
internal readonly record struct ServiceOrigin(string? File, int Line, string? Option)
{
    /// <summary>A Procfile line.</summary>
    public static ServiceOrigin InFile(string file, int line) => new(file, line, null);

    /// <summary>A <c>--service NAME=COMMAND</c> option.</summary>
    public static ServiceOrigin CommandLine(string option) => new(null, 0, option);

    /// <summary>The prefix of an error about this place: <c>Procfile:3</c> or <c>--service 'web=./run'</c>.</summary>
    public override string ToString() => File is not null ? $"{EchoText.Escape(File)}:{Line}" : $"--service {EchoText.Quote(Option!)}";

    /// <summary>
    /// How an error found at <paramref name="later"/> refers to this earlier place:
    /// <c>on line 1</c> within the same file, else <c>at Procfile:1</c> or <c>by --service 'web=./run'</c>.
    /// </summary>
    public string DescribeFrom(ServiceOrigin later)
    {
        if (File is null)
            return $"by {this}";
        return later.File == File ? $"on line {Line}" : $"at {this}";
    }
}
