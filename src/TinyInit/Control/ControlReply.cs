namespace TinyInit.Control;

/// <summary>What a request is answered with.</summary>
/// <param name="Answer">The answer's lines: the result line first, then the status rows, if any.</param>
/// <param name="Follow">Whether the connection then follows the event stream until tinyinit exits.</param>
internal readonly record struct ControlReply(byte[] Answer, bool Follow);
