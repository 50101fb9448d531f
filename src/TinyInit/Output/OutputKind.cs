namespace TinyInit.Output;

/// <summary>What an <see cref="OutputTarget"/>'s fd is: it decides how it is written without blocking.</summary>
internal enum OutputKind
{
    File,
    Pipe,
    Socket,

    /// <summary>A terminal or another character device.</summary>
    Other,
}
