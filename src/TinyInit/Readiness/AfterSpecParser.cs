using System;
using System.Collections.Generic;

namespace TinyInit.Readiness;

/// <summary><c>--after NAME=DEP[,DEP…]</c>: NAME starts only once every DEP is ready.</summary>
internal static class AfterSpecParser
{
    /// <returns>null, or the one-line error message.</returns>
    public static string? TryParse(string text, out string name, out List<string> dependencies)
    {
        dependencies = [];
        int equals = text.IndexOf('=', StringComparison.Ordinal);
        name = equals < 0 ? "" : text[..equals].Trim();
        if (equals < 0 || name.Length == 0)
            return $"--after '{text}': expected NAME=DEP[,DEP...] (for example web=db)";
        foreach (string part in text[(equals + 1)..].Split(','))
        {
            string dependency = part.Trim();
            if (dependency.Length == 0)
                return $"--after '{text}': empty dependency name";
            if (!dependencies.Contains(dependency))
                dependencies.Add(dependency);
        }

        return null;
    }
}
