using System;
using System.Collections.Generic;
using System.Text;
using TinyInit.Diagnostics;
using TinyInit.Interop;
using TinyInit.Loop;
using Tmds.Linux;

namespace TinyInit.Readiness;

/// <summary>
/// sd_notify upward: when tinyinit was started with <c>NOTIFY_SOCKET</c> (podman run
/// --sdnotify=container, a systemd unit with Type=notify), it tells that socket <c>READY=1</c> and
/// later <c>STOPPING=1</c>, as sd_notify(3) does, but without ever blocking the loop: the socket is
/// connected once (for a datagram socket that fixes the peer, and then epoll reports EPOLLOUT only
/// while the peer has room, unix(7)), each message is one send(MSG_DONTWAIT), and a message the
/// peer has no room for waits, in order, for EPOLLOUT. A peer that is gone is logged once and the
/// rest is dropped: sd_notify's clients ignore errors too, and the container must run on.
/// </summary>
internal sealed unsafe class UpwardNotifier : IDisposable
{
    private readonly Queue<byte[]> _pending = new();
    private readonly string _address;
    private EventLoop? _loop;
    private int _fd = -1;
    private bool _broken;
    private bool _watching;

    private UpwardNotifier(string address) => _address = address;

    /// <summary>The notifier for tinyinit's own NOTIFY_SOCKET, or null when it has none.</summary>
    public static UpwardNotifier? FromEnvironment() =>
        Environment.GetEnvironmentVariable("NOTIFY_SOCKET") is { Length: > 0 } address ? new UpwardNotifier(address) : null;

    /// <summary>Sends the message now, or as soon as the peer has room.</summary>
    public void Send(EventLoop loop, string message)
    {
        _loop = loop;
        if (_broken)
            return;
        if (_fd < 0 && !Connect())
            return;
        _pending.Enqueue(Encoding.UTF8.GetBytes(message));
        Flush();
    }

    private bool Connect()
    {
        var address = new Sys.sockaddr_un { sun_family = Sys.AF_UNIX };
        int length = Encoding.UTF8.GetByteCount(_address);
        bool isAbstract = _address[0] == '@';
        if ((_address[0] != '/' && !isAbstract) || length >= Sys.SunPathLength)
            return Fail("not an absolute path or an @abstract name that fits a Unix socket address");

        var path = new Span<byte>(address.sun_path, Sys.SunPathLength);
        Encoding.UTF8.GetBytes(_address, path);
        if (isAbstract)
            path[0] = 0; // sd_notify(3): a leading '@' stands for the abstract namespace's NUL.

        // An abstract name is exactly its length; a path may end at its NUL.
        uint size = (uint)(Sys.SunPathOffset + length + (isAbstract ? 0 : 1));
        _fd = LibC.socket(Sys.AF_UNIX, Sys.SOCK_DGRAM | Sys.SOCK_CLOEXEC | Sys.SOCK_NONBLOCK, 0);
        if (_fd < 0 || LibC.connect(_fd, (sockaddr*)&address, size) < 0)
            return Fail(Errors.Describe(Errors.Last()));
        return true;
    }

    private void Flush()
    {
        while (_pending.TryPeek(out byte[]? message))
        {
            nint sent;
            fixed (byte* bytes = message)
            {
                while ((sent = (nint)LibC.send(_fd, bytes, (size_t)message.Length, Sys.MSG_DONTWAIT | Sys.MSG_NOSIGNAL)) < 0 && Errors.Last() == Errno.EINTR)
                {
                }
            }

            if (sent < 0 && Errors.Last() == Errno.EAGAIN)
            {
                WatchForRoom();
                return;
            }

            if (sent < 0)
            {
                Fail(Errors.Describe(Errors.Last()));
                return;
            }

            _pending.Dequeue();
            Log.Debug($"NOTIFY_SOCKET: sent {Encoding.UTF8.GetString(message)}");
        }

        if (_watching)
            _loop!.Change(_fd, 0);
    }

    private void WatchForRoom()
    {
        if (!_watching)
        {
            if (_loop!.Watch(_fd, Sys.EPOLLOUT, _ => Flush()) is Errno error and not 0)
            {
                Fail($"epoll_ctl: {Errors.Describe(error)}");
                return;
            }

            _watching = true;
            return;
        }

        _loop!.Change(_fd, Sys.EPOLLOUT);
    }

    private bool Fail(string why)
    {
        Log.Warn($"NOTIFY_SOCKET '{_address}': {why}; nothing more is sent there");
        _broken = true;
        _pending.Clear();
        return false;
    }

    public void Dispose()
    {
        if (_fd < 0)
            return;
        if (_watching)
            _loop?.Unwatch(_fd);
        LibC.close(_fd);
        _fd = -1;
    }
}
