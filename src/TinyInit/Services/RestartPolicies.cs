using System;

namespace TinyInit.Services;

/// <summary><see cref="RestartPolicy"/> as the command line spells it: <c>always</c>, <c>on-failure</c>, <c>never</c>.</summary>
internal static class RestartPolicies
{
    /// <summary>Parses a policy name, ignoring case and surrounding blanks.</summary>
    /// <returns>null, or the one-line error message.</returns>
    public static string? TryParse(string text, out RestartPolicy policy)
    {
        string name = text.Trim();
        if (name.Equals("always", StringComparison.OrdinalIgnoreCase))
            policy = RestartPolicy.Always;
        else if (name.Equals("on-failure", StringComparison.OrdinalIgnoreCase))
            policy = RestartPolicy.OnFailure;
        else if (name.Equals("never", StringComparison.OrdinalIgnoreCase))
            policy = RestartPolicy.Never;
        else
        {
            policy = default;
            return $"restart policy {Cli.EchoText.Quote(text)} is not always, on-failure or never";
        }

        return null;
    }

    /// <summary>The name <see cref="TryParse"/> accepts, for logs and messages.</summary>
    public static string Name(RestartPolicy policy) => policy switch
    {
        RestartPolicy.Always => "always",
        RestartPolicy.OnFailure => "on-failure",
        RestartPolicy.Never => "never",
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, null),
    };
}
