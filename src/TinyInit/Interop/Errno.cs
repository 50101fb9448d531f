namespace TinyInit.Interop;

/// <summary>The errno values tinyinit tells apart (Linux, asm-generic/errno-base.h).</summary>
internal enum Errno
{
    EPERM = 1,
    ENOENT = 2,
    ESRCH = 3,
    EINTR = 4,
    EIO = 5,
    E2BIG = 7,
    ENOEXEC = 8,
    EBADF = 9,
    ECHILD = 10,
    EAGAIN = 11,
    ENOMEM = 12,
    EACCES = 13,
    EFAULT = 14,
    ENOTDIR = 20,
    EISDIR = 21,
    EINVAL = 22,
    ENOSPC = 28,
    ENOTTY = 25,
    EPIPE = 32,
    ENXIO = 6,
    ENOSYS = 38,
    ELOOP = 40,
    ENAMETOOLONG = 36,
    ENOTSOCK = 88,
}
