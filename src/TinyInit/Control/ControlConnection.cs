using System;
using TinyInit.Interop;
using TinyInit.Loop;
using TinyInit.Output;

namespace TinyInit.Control;

/// <summary>
/// One accepted client of the control socket, from its request line to its close. Every call does
/// a bounded amount of work and never blocks (docs/design.md, "The control socket"):
/// - the request is one line of at most <see cref="RequestLimit"/> bytes, read one read(2) per
///   wake-up; a longer one, garbage or an unknown request is answered with an error and closed;
/// - an answer is sent with send(MSG_DONTWAIT) (<see cref="OutputTarget"/>); what the socket does not
///   take waits for room, and the connection is closed when it is all sent;
/// - a client that sends no request, or does not read its answer, within <see cref="IdleLimit"/> is
///   closed: it cannot hold a connection, a buffer or an fd for ever;
/// - <c>events</c> turns the connection into an <see cref="EventFollower"/> until tinyinit exits or the
///   client goes. It is never closed for not reading: it loses events instead, and is told how many.
/// Anything the client sends after its request is not read.
/// </summary>
internal sealed unsafe class ControlConnection
{
    /// <summary>The longest request line, its newline included.</summary>
    public const int RequestLimit = 512;

    /// <summary>How long a client may take to send its request, or to take the answer.</summary>
    public static readonly TimeSpan IdleLimit = TimeSpan.FromSeconds(10);

    private readonly EventLoop _loop;
    private readonly ControlCommands _commands;
    private readonly EventLines _lines;
    private readonly OutputTarget _target;
    private readonly Sys.ucred _peer;
    private readonly byte[] _request = new byte[RequestLimit];
    private int _requestLength;
    private byte[]? _answer;
    private int _answerSent;

    public ControlConnection(int fd, in Sys.ucred peer, EventLoop loop, ControlCommands commands, EventLines lines)
    {
        _target = OutputTarget.Adopt(fd, takeOver: true);
        _peer = peer;
        _loop = loop;
        _commands = commands;
        _lines = lines;
        Deadline = Loop.Deadline.In(IdleLimit);
    }

    public int Fd => _target.Fd;

    public bool IsClosed { get; private set; }

    /// <summary>When the connection is closed unless it makes progress; <see cref="Loop.Deadline.None"/> while it follows events.</summary>
    public long Deadline { get; private set; }

    /// <summary>The events client this connection became, or null.</summary>
    public EventFollower? Follower { get; private set; }

    /// <summary>The fd's handler: the request while it is read, then room for the answer or the events.</summary>
    public void OnReady(uint events)
    {
        if (IsClosed)
            return;
        bool gone = (events & (Sys.EPOLLHUP | Sys.EPOLLERR)) != 0;
        if (Follower is not null)
        {
            if (gone)
                Close();
            else
                Follow();
        }
        else if (_answer is not null)
        {
            if (gone)
                Close();
            else
                SendAnswer();
        }
        else
        {
            ReadRequest();
        }
    }

    /// <summary>At the end of every turn: the events published in it go out; an idle client is closed.</summary>
    public void OnTurn(long now)
    {
        if (IsClosed)
            return;
        if (Follower is not null)
            Follow();
        else if (now >= Deadline)
            Close();
    }

    public void Close()
    {
        if (IsClosed)
            return;
        IsClosed = true;
        Follower?.Unsubscribe();
        _loop.Unwatch(_target.Fd);
        _target.Dispose();
    }

    private void ReadRequest()
    {
        nint n;
        fixed (byte* buffer = _request)
            n = (nint)Tmds.Linux.LibC.read(_target.Fd, buffer + _requestLength, (Tmds.Linux.size_t)(RequestLimit - _requestLength));
        if (n < 0)
        {
            Errno error = Errors.Last();
            if (error is not (Errno.EAGAIN or Errno.EINTR))
                Close();
            return;
        }

        if (n == 0)
        {
            // The client shut its side: a last line without a newline is still a request.
            if (_requestLength == 0)
                Close();
            else
                Answer(_commands.Execute(_request.AsSpan(0, _requestLength), _peer));
            return;
        }

        int searched = _requestLength;
        _requestLength += (int)n;
        int end = _request.AsSpan(searched, _requestLength - searched).IndexOf((byte)'\n');
        if (end >= 0)
            Answer(_commands.Execute(_request.AsSpan(0, searched + end), _peer));
        else if (_requestLength == RequestLimit)
            Answer(new ControlReply(_commands.Refusal($"request too long: one line of at most {RequestLimit - 1} bytes, one of: {ControlCommands.Usage}"), Follow: false));
    }

    private void Answer(ControlReply reply)
    {
        // From here on nothing more is read: only room to send, and the peer's hang-up, matter.
        _loop.Change(_target.Fd, Sys.EPOLLOUT | Sys.EPOLLET);
        if (reply.Follow)
        {
            Deadline = Loop.Deadline.None;
            Follower = new EventFollower(_target, _lines, reply.Answer);
            Follow();
            return;
        }

        _answer = reply.Answer;
        SendAnswer();
    }

    private void SendAnswer()
    {
        while (_answerSent < _answer!.Length)
        {
            nint n = _target.WriteSome(_answer.AsSpan(_answerSent));
            if (n < 0)
            {
                if (Errors.Last() != Errno.EAGAIN)
                    Close();
                return;
            }

            _answerSent += (int)n;
            Deadline = Loop.Deadline.In(IdleLimit);
        }

        Close();
    }

    private void Follow()
    {
        Follower!.Flush();
        if (Follower.IsBroken)
            Close();
    }
}
