using System.Text;
using System.Text.Json;

namespace TinyInit.Ctl;

/// <summary>An event line read aloud: <c>exit pid=12 role=orphan command=sleep exit_code=0</c>.</summary>
internal static class EventText
{
    /// <summary>The event's name, then its fields but the time, as name=value.</summary>
    public static string Render(JsonElement e)
    {
        var text = new StringBuilder();
        text.Append(e.TryGetProperty("event", out JsonElement kind) ? kind.GetString() : "?");
        foreach (JsonProperty field in e.EnumerateObject())
        {
            if (field.Name is "event" or "time_ns")
                continue;
            text.Append(' ').Append(field.Name).Append('=')
                .Append(field.Value.ValueKind == JsonValueKind.String ? field.Value.GetString() : field.Value.GetRawText());
        }

        return text.Append('\n').ToString();
    }
}
