using System;
using System.Runtime.InteropServices;
using System.Text;

namespace TinyInit.Spawning;

/// <summary>
/// A NULL-terminated argv of UTF-8 strings in native memory, for commands tinyinit builds itself
/// (services run as <c>/bin/sh -c COMMAND</c>). The main command needs none: its argv is the
/// tail of tinyinit's own, passed through untouched.
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
            int length = Encoding.UTF8.GetByteCount(args[i]);
            byte* text = (byte*)NativeMemory.Alloc((nuint)length + 1);
            Encoding.UTF8.GetBytes(args[i], new Span<byte>(text, length));
            text[length] = 0;
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
