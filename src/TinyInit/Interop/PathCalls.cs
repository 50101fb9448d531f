using System.Text;
using Tmds.Linux;

namespace TinyInit.Interop;

/// <summary>
/// Tmds.LibC's calls that take a path with the path as a string: Tmds.LibC takes a NUL-terminated
/// byte*, and these pass the string's UTF-8 bytes (what our own declarations did with
/// StringMarshalling.Utf8). Only for paths tinyinit is given as strings (control socket, output file).
/// </summary>
internal static unsafe class PathCalls
{
    /// <summary>open(2).</summary>
    /// <returns>The fd, or -1 and errno.</returns>
    public static int Open(string path, int flags, ushort mode)
    {
        fixed (byte* p = NulTerminated(path))
            return LibC.open(p, flags, mode);
    }

    /// <summary>lstat(2): the link itself, never what it points to.</summary>
    /// <returns>0, or -1 and errno.</returns>
    public static int Lstat(string path, Sys.stat_t* buf)
    {
        fixed (byte* p = NulTerminated(path))
            return LibC.lstat(p, (stat*)buf);
    }

    /// <summary>unlink(2).</summary>
    /// <returns>0, or -1 and errno.</returns>
    public static int Unlink(string path)
    {
        fixed (byte* p = NulTerminated(path))
            return LibC.unlink(p);
    }

    private static byte[] NulTerminated(string path)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, bytes);
        return bytes;
    }
}
