using TinyInit.Interop;

namespace TinyInit.Control;

/// <summary>
/// The control socket's file (unix(7)): bound with mode 0600, so that only its owner (and root) can
/// connect; a stale file, which nobody listens on (tinyinit was killed), is replaced; a live one is
/// never taken over. At exit the file is removed, but only while it is still the one bound here.
/// </summary>
internal sealed unsafe class ControlSocketFile
{
    /// <summary>Connections the kernel queues before tinyinit accepts them.</summary>
    private const int Backlog = 128;

    /// <summary>umask while binding: the socket file is created srw------- (bind(2) applies the umask).</summary>
    private const uint OwnerOnly = 0x7F;

    private readonly ulong _device;
    private readonly ulong _inode;
    private bool _closed;

    private ControlSocketFile(string path, int fd, in Sys.stat_t bound)
    {
        Path = path;
        Fd = fd;
        _device = bound.st_dev;
        _inode = bound.st_ino;
    }

    public string Path { get; }

    /// <summary>The listening socket: non-blocking, close-on-exec.</summary>
    public int Fd { get; private set; }

    /// <summary>Creates the socket file and listens on it.</summary>
    /// <returns>The socket, or null and a one-line error.</returns>
    public static ControlSocketFile? Listen(string path, out string? error)
    {
        error = null;
        if (!Sys.sockaddr_un.TryCreate(path, out Sys.sockaddr_un address))
        {
            error = $"--control '{path}': a socket path is 1 to {Sys.SunPathLength - 1} bytes (unix(7))";
            return null;
        }

        int fd = Tmds.Linux.LibC.socket(Sys.AF_UNIX, Sys.SOCK_STREAM | Sys.SOCK_NONBLOCK | Sys.SOCK_CLOEXEC, 0);
        if (fd < 0)
        {
            error = $"--control '{path}': socket: {Errors.Describe(Errors.Last())}";
            return null;
        }

        Sys.stat_t bound;
        if (!Bind(fd, path, &address, out error) || (error = Check(path, "listen", Tmds.Linux.LibC.listen(fd, Backlog))) is not null
            || (error = Check(path, "stat", PathCalls.Lstat(path, &bound))) is not null)
        {
            Tmds.Linux.LibC.close(fd);
            return null;
        }

        return new ControlSocketFile(path, fd, bound);
    }

    /// <summary>
    /// Stops listening and removes the file if it is still the one bound here (not one another
    /// process put there since). Idempotent.
    /// </summary>
    public void Close()
    {
        if (_closed)
            return;
        _closed = true;
        Tmds.Linux.LibC.close(Fd);
        Fd = -1;
        Sys.stat_t now;
        if (PathCalls.Lstat(Path, &now) == 0 && now.st_dev == _device && now.st_ino == _inode)
            PathCalls.Unlink(Path);
    }

    private static bool Bind(int fd, string path, Sys.sockaddr_un* address, out string? error)
    {
        for (int attempt = 0; ; attempt++)
        {
            Tmds.Linux.mode_t previous = Tmds.Linux.LibC.umask((ushort)OwnerOnly);
            int rc = Tmds.Linux.LibC.bind(fd, (Tmds.Linux.sockaddr*)address, (uint)sizeof(Sys.sockaddr_un));
            Errno bindError = Errors.Last();
            Tmds.Linux.LibC.umask(previous);
            if (rc == 0)
            {
                error = null;
                return true;
            }

            if (bindError != Errno.EADDRINUSE || attempt > 0)
            {
                error = $"--control '{path}': bind: {Errors.Describe(bindError)}";
                return false;
            }

            if ((error = StaleOrWhy(path, address)) is not null)
                return false;
            PathCalls.Unlink(path);
        }
    }

    /// <returns>null when the file at path is a socket nobody listens on; else why it must stay.</returns>
    private static string? StaleOrWhy(string path, Sys.sockaddr_un* address)
    {
        Sys.stat_t existing;
        if (PathCalls.Lstat(path, &existing) == 0 && (existing.st_mode & Sys.S_IFMT) != Sys.S_IFSOCK)
            return $"--control '{path}': the file exists and is not a socket; tinyinit does not replace it";

        int probe = Tmds.Linux.LibC.socket(Sys.AF_UNIX, Sys.SOCK_STREAM | Sys.SOCK_NONBLOCK | Sys.SOCK_CLOEXEC, 0);
        if (probe < 0)
            return $"--control '{path}': socket: {Errors.Describe(Errors.Last())}";
        int rc = Tmds.Linux.LibC.connect(probe, (Tmds.Linux.sockaddr*)address, (uint)sizeof(Sys.sockaddr_un));
        Errno connectError = Errors.Last();
        Tmds.Linux.LibC.close(probe);

        // Accepted, or queued behind a full backlog (EAGAIN): someone listens. Refused: stale.
        if (rc == 0 || connectError == Errno.EAGAIN)
            return $"--control '{path}': a process is listening on it already (another tinyinit?)";
        return connectError is Errno.ECONNREFUSED or Errno.ENOENT
            ? null
            : $"--control '{path}': it exists and cannot be checked: {Errors.Describe(connectError)}";
    }

    private static string? Check(string path, string call, int rc) =>
        rc == 0 ? null : $"--control '{path}': {call}: {Errors.Describe(Errors.Last())}";
}
