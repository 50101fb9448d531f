using System.Text;
using TinyInit.Text;

namespace TinyInit.Ctl;

/// <summary>An event line read aloud: <c>exit pid=12 role=orphan command=sleep exit_code=0</c>.</summary>
internal static class EventText
{
    /// <summary>The event's name, then its fields but the time, as name=value.</summary>
    public static string Render(JsonLine e)
    {
        var text = new StringBuilder();
        text.Append(e.Get("event")?.Shown ?? "?");
        foreach (JsonLine.Field field in e.Fields)
        {
            if (field.Name is "event" or "time_ns")
                continue;
            text.Append(' ').Append(EchoText.Escape(field.Name)).Append('=').Append(field.Shown);
        }

        return text.Append('\n').ToString();
    }
}
