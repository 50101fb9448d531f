using System;
using System.Runtime.InteropServices;
using System.Text;

namespace TinyInit.Readiness;

/// <summary>
/// The environments children are started with. tinyinit's own <c>NOTIFY_SOCKET</c> is the
/// engine's (podman run --sdnotify=container) and belongs to tinyinit alone: a child that
/// inherited it could tell the engine the container is ready before it is. So every child gets
/// tinyinit's environment without it, and a service in notify mode gets <c>NOTIFY_SOCKET</c> naming
/// tinyinit's own socket instead. The strings are tinyinit's own (they live as long as it does);
/// only the arrays and the new variable are allocated, once.
/// </summary>
internal sealed unsafe class ChildEnvironment : IDisposable
{
    private const string Variable = "NOTIFY_SOCKET";

    private readonly byte** _original;
    private byte** _withoutNotify;
    private byte** _withNotify;
    private byte* _notifyVariable;

    /// <param name="envp">tinyinit's environment as it was started with it (NULL-terminated).</param>
    public ChildEnvironment(byte** envp)
    {
        _original = envp;
        int count = 0;
        bool found = false;
        for (byte** entry = envp; *entry != null; entry++)
        {
            count++;
            found |= IsNotifySocket(*entry);
        }

        Count = count;
        HadNotifySocket = found;
    }

    /// <summary>Whether tinyinit itself was given NOTIFY_SOCKET.</summary>
    public bool HadNotifySocket { get; }

    private int Count { get; }

    /// <summary>tinyinit's environment without NOTIFY_SOCKET (as it is, when it has none).</summary>
    public byte** WithoutNotifySocket
    {
        get
        {
            if (!HadNotifySocket)
                return _original;
            if (_withoutNotify == null)
                _withoutNotify = Build(null);
            return _withoutNotify;
        }
    }

    /// <summary>tinyinit's environment with NOTIFY_SOCKET set to <paramref name="address"/> (built on first use; the address never changes).</summary>
    public byte** WithNotifySocket(string address)
    {
        if (_withNotify != null)
            return _withNotify;
        int length = Encoding.UTF8.GetByteCount(address);
        _notifyVariable = (byte*)NativeMemory.Alloc((nuint)(Variable.Length + 1 + length + 1));
        var text = new Span<byte>(_notifyVariable, Variable.Length + 1 + length + 1);
        Encoding.ASCII.GetBytes(Variable + "=", text);
        Encoding.UTF8.GetBytes(address, text[(Variable.Length + 1)..]);
        text[^1] = 0;
        return _withNotify = Build(_notifyVariable);
    }

    /// <summary>The original entries but NOTIFY_SOCKET, then <paramref name="extra"/> if given, then NULL.</summary>
    private byte** Build(byte* extra)
    {
        byte** array = (byte**)NativeMemory.AllocZeroed((nuint)(Count + 2), (nuint)sizeof(byte*));
        int n = 0;
        for (byte** entry = _original; *entry != null; entry++)
        {
            if (!IsNotifySocket(*entry))
                array[n++] = *entry;
        }

        if (extra != null)
            array[n] = extra;
        return array;
    }

    /// <summary>Compares byte by byte, so a shorter entry stops at its NUL and is never read past.</summary>
    private static bool IsNotifySocket(byte* entry)
    {
        ReadOnlySpan<byte> prefix = "NOTIFY_SOCKET="u8;
        for (int i = 0; i < prefix.Length; i++)
        {
            if (entry[i] != prefix[i])
                return false;
        }

        return true;
    }

    public void Dispose()
    {
        NativeMemory.Free(_withoutNotify);
        NativeMemory.Free(_withNotify);
        NativeMemory.Free(_notifyVariable);
        _withoutNotify = _withNotify = null;
        _notifyVariable = null;
    }
}
