using System;
using System.Text;
using TinyInit.Interop;
using Tmds.Linux;

namespace TinyInit.Readiness;

/// <summary>
/// tinyinit's end of the sd_notify protocol: a Unix datagram socket whose name the services in
/// notify mode get as <c>NOTIFY_SOCKET</c>.
///
/// It is bound by autobind (unix(7): binding with only the address family gives a free name in the
/// abstract namespace), so there is no file to create in a directory that may be read-only or
/// missing, none to remove, and no name two tinyinits could both want; sd_notify(3) clients
/// write such a name with a leading '@'. Any process in the network namespace can send to it, so
/// SO_PASSCRED makes the kernel attach each sender's credentials (SCM_CREDENTIALS), which the
/// caller checks. Descriptors someone passes along (SCM_RIGHTS) are closed at once.
/// </summary>
internal sealed unsafe class NotifySocket : IDisposable
{
    /// <summary>Largest message read whole: systemd's NOTIFY_BUFFER_MAX (PIPE_BUF); a longer one is dropped.</summary>
    public const int MaxMessage = 4096;

    /// <summary>Room for SCM_CREDENTIALS and a few passed fds (which are closed); more than fits is closed by the kernel (MSG_CTRUNC).</summary>
    private const int ControlSize = 256;

    private readonly byte[] _buffer = new byte[MaxMessage];

    private NotifySocket(int fd, string address)
    {
        Fd = fd;
        Address = address;
    }

    public int Fd { get; private set; }

    /// <summary>The value of NOTIFY_SOCKET for the services: <c>@</c> and the abstract name.</summary>
    public string Address { get; }

    /// <returns>The socket, or null and the failed call with its error.</returns>
    public static NotifySocket? Open(out string? error)
    {
        error = null;
        int fd = LibC.socket(Sys.AF_UNIX, Sys.SOCK_DGRAM | Sys.SOCK_CLOEXEC | Sys.SOCK_NONBLOCK, 0);
        if (fd < 0)
        {
            error = $"notify socket: socket: {Errors.Describe(Errors.Last())}";
            return null;
        }

        int one = 1;
        var address = new Sys.sockaddr_un { sun_family = Sys.AF_UNIX };
        uint length = (uint)sizeof(Sys.sockaddr_un);
        if (LibC.setsockopt(fd, Sys.SOL_SOCKET, Sys.SO_PASSCRED, &one, sizeof(int)) < 0
            || LibC.bind(fd, (sockaddr*)&address, Sys.SunPathOffset) < 0
            || LibC.getsockname(fd, (sockaddr*)&address, (socklen_t*)&length) < 0)
        {
            error = $"notify socket: {Errors.Describe(Errors.Last())}";
            LibC.close(fd);
            return null;
        }

        // The abstract name starts with a NUL byte, which sd_notify clients write as '@'.
        var name = new ReadOnlySpan<byte>(address.sun_path + 1, (int)length - Sys.SunPathOffset - 1);
        return new NotifySocket(fd, "@" + Encoding.ASCII.GetString(name));
    }

    /// <summary>Reads up to <paramref name="max"/> queued messages, without blocking; epoll reports the socket again if more are queued.</summary>
    /// <param name="max">The bound on one wake-up's work.</param>
    /// <param name="handler">Gets each message with its sender's pid (see <see cref="TryReceive"/>).</param>
    public void ReadBatch(int max, Action<int, NotifyMessage> handler)
    {
        for (int i = 0; i < max && TryReceive(_buffer, out int length, out int pid, out bool truncated); i++)
        {
            if (truncated)
                Diagnostics.Log.Debug($"notify message from pid {pid} ignored: longer than {MaxMessage} bytes");
            else
                handler(pid, NotifyMessage.Parse(_buffer.AsSpan(0, length)));
        }
    }

    /// <summary>Reads one queued datagram, if any, without blocking.</summary>
    /// <param name="buffer">At least <see cref="MaxMessage"/> bytes.</param>
    /// <param name="length">The message's length in the buffer.</param>
    /// <param name="senderPid">The sender's pid in tinyinit's PID namespace; 0 when the kernel could not map it (a sender outside the namespace) or sent none.</param>
    /// <param name="truncated">The message was longer than the buffer.</param>
    /// <returns>False when nothing is queued (or on an error, which is logged).</returns>
    private bool TryReceive(Span<byte> buffer, out int length, out int senderPid, out bool truncated)
    {
        length = senderPid = 0;
        truncated = false;
        ulong* control = stackalloc ulong[ControlSize / sizeof(ulong)];
        fixed (byte* data = buffer)
        {
            var iov = new iovec { iov_base = data, iov_len = buffer.Length };
            var message = new msghdr { msg_iov = &iov, msg_iovlen = 1, msg_control = control, msg_controllen = ControlSize };
            nint n;
            while ((n = (nint)LibC.recvmsg(Fd, &message, Sys.MSG_DONTWAIT | Sys.MSG_CMSG_CLOEXEC)) < 0 && Errors.Last() == Errno.EINTR)
            {
            }

            if (n < 0)
            {
                if (Errors.Last() != Errno.EAGAIN)
                    Diagnostics.Log.Warn($"notify socket: recvmsg: {Errors.Describe(Errors.Last())}");
                return false;
            }

            length = (int)n;
            truncated = (message.msg_flags & Sys.MSG_TRUNC) != 0;
            senderPid = ReadControl((byte*)control, message.msg_controllen);
            return true;
        }
    }

    /// <summary>Walks the control messages (cmsg(3)): takes the sender's pid, closes any passed fd.</summary>
    private static int ReadControl(byte* control, nuint length)
    {
        int pid = 0;
        byte* end = control + length;
        for (byte* at = control; at + Sys.CmsgHeaderSize <= end;)
        {
            var header = (Sys.cmsghdr*)at;
            if (header->cmsg_len < Sys.CmsgHeaderSize || at + header->cmsg_len > end)
                break;
            byte* payload = at + Sys.CmsgHeaderSize;
            int payloadLength = (int)header->cmsg_len - Sys.CmsgHeaderSize;
            if (header->cmsg_level == Sys.SOL_SOCKET && header->cmsg_type == Sys.SCM_CREDENTIALS && payloadLength >= sizeof(Sys.ucred))
                pid = ((Sys.ucred*)payload)->pid;
            else if (header->cmsg_level == Sys.SOL_SOCKET && header->cmsg_type == Sys.SCM_RIGHTS)
            {
                for (int i = 0; i + sizeof(int) <= payloadLength; i += sizeof(int))
                    LibC.close(*(int*)(payload + i));
            }

            at += Sys.CmsgAlign(header->cmsg_len);
        }

        return pid;
    }

    public void Dispose()
    {
        if (Fd >= 0)
        {
            LibC.close(Fd);
            Fd = -1;
        }
    }
}
