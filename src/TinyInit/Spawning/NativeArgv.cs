using System;
using System.Runtime.InteropServices;
using TinyInit.Cli;

namespace TinyInit.Spawning;

/// <summary>
/// A NULL-terminated argv in native memory, for commands tinyinit builds itself (services run as
/// <c>/bin/sh -c COMMAND</c>). The strings are encoded with <see cref="LosslessUtf8"/>, so a
/// command read from argv or a Procfile reaches the shell with the bytes it was given. The main
/// command needs none: its argv is the tail of tinyinit's own, passed through untouched.
/// </summary>
internal sealed unsafe class NativeArgv : IDisposable
{
    private byte** _argv;
    private readonly int _count;

    public NativeArgv(string[] args)
    {
        _count = args.Length;
        _argv = (byte**)NativeMemory.AllocZeroed((nuint)(args.Length + 1), (nuint)sizeof(byte*));
        for (int i = 0; i < args.Length; i++)
        {
            byte[] bytes = LosslessUtf8.Encode(args[i]);
            byte* text = (byte*)NativeMemory.Alloc((nuint)bytes.Length + 1);
            bytes.CopyTo(new Span<byte>(text, bytes.Length));
            text[bytes.Length] = 0;
            _argv[i] = text;
        }
    }

    public byte** Pointer => _argv;

    public void Dispose()
    {
        if (_argv == null)
            return;
        for (int i = 0; i < _count; i++)
            NativeMemory.Free(_argv[i]);
        NativeMemory.Free(_argv);
        _argv = null;
    }
}
