using System;

namespace TinyInit.Readiness;

/// <summary><c>--ready NAME=MODE</c>: splits at the first '=', so a check command may contain '='.</summary>
internal static class ReadySpecParser
{
    /// <returns>null, or the one-line error message.</returns>
    public static string? TryParse(string text, out string name, out ReadinessMode? mode)
    {
        mode = null;
        int equals = text.IndexOf('=', StringComparison.Ordinal);
        name = equals < 0 ? "" : text[..equals].Trim();
        if (equals < 0 || name.Length == 0)
            return $"--ready '{text}': expected NAME=MODE (for example db=notify)";
        mode = ReadinessMode.Parse(text[(equals + 1)..].Trim());
        return mode is null ? $"--ready '{text}': {ReadinessMode.Rule}" : null;
    }
}
