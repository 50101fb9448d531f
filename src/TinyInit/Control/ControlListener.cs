using System;
using System.Collections.Generic;
using TinyInit.Diagnostics;
using TinyInit.Events;
using TinyInit.Interop;
using TinyInit.Loop;

namespace TinyInit.Control;

/// <summary>
/// Overview: --control PATH, the socket that 'tinyinit ctl' (or socat) talks to, served on the
/// event loop like everything else (docs/design.md, "The control socket").
///
/// The socket is created before the main child is spawned and removed at exit
/// (<see cref="ControlSocketFile"/>). Each wake-up accepts at most <see cref="AcceptsPerCall"/>
/// clients (epoll is level-triggered: the rest come next turn), so a flood of connections costs
/// a bounded share of each turn and never holds up reaping or forwarding. Each client is checked
/// with SO_PEERCRED at once: root or tinyinit's own uid, else one refusal line and close. At most
/// <see cref="MaxConnections"/> are served at a time, which bounds the fds and the memory (each
/// events client holds a ring of <see cref="EventLines.SubscriberCapacity"/> events).
///
/// As an <see cref="ITurnWork"/>, at the end of every turn it hands the events published in the
/// turn to the events clients and closes the clients that have been idle too long. At exit the
/// events clients get their shutdown line with the same bounded wait as the --events stream.
/// </summary>
internal sealed unsafe class ControlListener : ITurnWork, IDisposable
{
    public const int MaxConnections = 64;

    private const int AcceptsPerCall = 16;

    /// <summary>After EMFILE or ENOMEM: accepting waits this long (the pending client would wake every turn otherwise).</summary>
    private static readonly TimeSpan AcceptPause = TimeSpan.FromMilliseconds(100);

    private readonly ControlSocketFile _socket;
    private readonly EventLoop _loop;
    private readonly ControlCommands _commands;
    private readonly EventLines _lines;
    private readonly List<ControlConnection> _connections = [];
    private readonly uint _ownUid = Tmds.Linux.LibC.geteuid();
    private long _acceptPausedUntil = Deadline.None;
    private bool _listening;

    private ControlListener(ControlSocketFile socket, EventLoop loop, ControlCommands commands, EventFanout<InitEvent> fanout)
    {
        _socket = socket;
        _loop = loop;
        _commands = commands;
        _lines = new EventLines(fanout);
    }

    /// <summary>Creates the socket at <paramref name="path"/> and watches it.</summary>
    /// <returns>The listener, or null and a one-line error.</returns>
    public static ControlListener? Open(string path, EventLoop loop, ControlCommands commands, EventFanout<InitEvent> fanout, out string? error)
    {
        ControlSocketFile? socket = ControlSocketFile.Listen(path, out error);
        if (socket is null)
            return null;
        var listener = new ControlListener(socket, loop, commands, fanout);
        Errno watchError = loop.Watch(socket.Fd, Sys.EPOLLIN, _ => listener.AcceptSome());
        if (watchError != 0)
        {
            error = $"--control '{path}': epoll_ctl: {Errors.Describe(watchError)}";
            listener.Dispose();
            return null;
        }

        listener._listening = true;
        return listener;
    }

    public long NextDeadline
    {
        get
        {
            long next = _acceptPausedUntil;
            foreach (ControlConnection connection in _connections)
                next = Math.Min(next, connection.Deadline);
            return next;
        }
    }

    public bool HasPendingWork => false;

    public void OnTurn(long now)
    {
        if (now >= _acceptPausedUntil && _listening)
        {
            _acceptPausedUntil = Deadline.None;
            _loop.Change(_socket.Fd, Sys.EPOLLIN);
        }

        foreach (ControlConnection connection in _connections)
            connection.OnTurn(now);
        _connections.RemoveAll(connection => connection.IsClosed);
    }

    /// <summary>
    /// At exit: no new clients (the socket file is removed), the other clients are closed, and each
    /// events client gets the rest of its ring and its shutdown line, waiting for room until
    /// <paramref name="deadline"/> at most, for all of them together.
    /// </summary>
    public void WriteShutdown(int exitCode, long nowNanoseconds, long deadline)
    {
        StopListening();
        List<EventFollower> followers = [];
        foreach (ControlConnection connection in _connections)
        {
            if (connection.Follower is EventFollower follower && !connection.IsClosed)
                followers.Add(follower);
            else
                connection.Close();
        }

        WaitUntilDone(followers, static f => f.Flush(), deadline);
        foreach (EventFollower follower in followers)
            follower.QueueShutdown(exitCode, nowNanoseconds);
        int stuck = WaitUntilDone(followers, static f => f.WritePending(), deadline);
        if (stuck > 0)
            Log.Warn($"control: {stuck} events clients did not take their shutdown line in time");
        CloseAll();
    }

    private void AcceptSome()
    {
        for (int i = 0; i < AcceptsPerCall; i++)
        {
            int fd = Tmds.Linux.LibC.accept4(_socket.Fd, null, null, Sys.SOCK_NONBLOCK | Sys.SOCK_CLOEXEC);
            if (fd >= 0)
            {
                Admit(fd);
                continue;
            }

            Errno error = Errors.Last();
            if (error is Errno.EINTR or Errno.ECONNABORTED)
                continue;
            if (error != Errno.EAGAIN)
            {
                // EMFILE, ENFILE, ENOBUFS, ENOMEM: the client waits in the backlog; try again shortly.
                Log.Warn($"control: accept: {Errors.Describe(error)}; accepting again in {AcceptPause.TotalMilliseconds} ms");
                _loop.Change(_socket.Fd, 0);
                _acceptPausedUntil = Deadline.In(AcceptPause);
            }

            return;
        }
    }

    private void Admit(int fd)
    {
        Sys.ucred peer;
        int length = sizeof(Sys.ucred);
        if (Tmds.Linux.LibC.getsockopt(fd, Sys.SOL_SOCKET, Sys.SO_PEERCRED, &peer, (Tmds.Linux.socklen_t*)&length) < 0)
        {
            Log.Warn($"control: SO_PEERCRED: {Errors.Describe(Errors.Last())}; connection closed");
            Tmds.Linux.LibC.close(fd);
            return;
        }

        if (peer.uid != 0 && peer.uid != _ownUid)
        {
            Log.Warn($"control: refused pid {peer.pid}: uid {peer.uid} is neither root nor tinyinit's uid {_ownUid}");
            RefuseAndClose(fd, $"refused: uid {peer.uid} may not control tinyinit (only root{(_ownUid == 0 ? "" : $" and uid {_ownUid}")} may)");
            return;
        }

        if (_connections.Count >= MaxConnections)
        {
            Log.Warn($"control: refused pid {peer.pid}: {MaxConnections} clients are connected already");
            RefuseAndClose(fd, $"refused: {MaxConnections} clients are connected already");
            return;
        }

        var connection = new ControlConnection(fd, peer, _loop, _commands, _lines);
        Errno error = _loop.Watch(fd, Sys.EPOLLIN | Sys.EPOLLRDHUP, connection.OnReady);
        if (error != 0)
        {
            Log.Warn($"control: epoll_ctl: {Errors.Describe(error)}; connection closed");
            connection.Close();
            return;
        }

        _connections.Add(connection);
    }

    /// <summary>One line, sent if the fresh socket takes it now (it always has room), then close.</summary>
    private void RefuseAndClose(int fd, string error)
    {
        byte[] line = _commands.Refusal(error);
        fixed (byte* bytes = line)
            Tmds.Linux.LibC.send(fd, bytes, (Tmds.Linux.size_t)line.Length, Sys.MSG_DONTWAIT | Sys.MSG_NOSIGNAL);
        Tmds.Linux.LibC.close(fd);
    }

    /// <returns>How many are still not done when the deadline passes.</returns>
    private static int WaitUntilDone(List<EventFollower> followers, Func<EventFollower, bool> step, long deadline)
    {
        List<EventFollower> waiting = followers.FindAll(f => !step(f));
        while (waiting.Count > 0 && WaitForRoom(waiting, deadline))
            waiting = waiting.FindAll(f => !step(f));
        return waiting.Count;
    }

    /// <returns>Whether one of them has room (or has gone) before the deadline.</returns>
    private static bool WaitForRoom(List<EventFollower> followers, long deadline)
    {
        int timeout = Deadline.TimeoutMilliseconds(deadline);
        if (timeout < 0)
            return false;
        Sys.pollfd_t* fds = stackalloc Sys.pollfd_t[followers.Count];
        for (int i = 0; i < followers.Count; i++)
            fds[i] = new Sys.pollfd_t { fd = followers[i].Fd, events = Sys.POLLOUT };
        return Sys.poll(fds, (nuint)followers.Count, timeout) > 0;
    }

    private void StopListening()
    {
        if (_listening)
        {
            _listening = false;
            _loop.Unwatch(_socket.Fd);
        }

        _socket.Close();
    }

    private void CloseAll()
    {
        foreach (ControlConnection connection in _connections)
            connection.Close();
        _connections.Clear();
    }

    public void Dispose()
    {
        CloseAll();
        StopListening();
        _lines.Dispose();
        _commands.Dispose();
    }
}
