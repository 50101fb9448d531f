using System.Text;
using TinyInit.Ctl;

namespace TinyInit.UnitTests.Ctl;

/// <summary>ctl's reading of tinyinit's lines, and the text it prints from them (checked equal to the JsonDocument-based client's).</summary>
public sealed class JsonLineTests
{
    [Fact]
    public void An_event_line_is_read_aloud_with_strings_unescaped_and_other_values_as_written()
    {
        JsonLine line = Parse("""{"event":"exit","time_ns":9,"pid":42,"role":"main","command":"/x/sl\u0022e\\\u00E9","exit_code":138,"signal":"SIGUSR1","core_dumped":false}""");

        Assert.Equal("exit pid=42 role=main command=/x/sl\"e\\é exit_code=138 signal=SIGUSR1 core_dumped=false\n", EventText.Render(line));
    }

    [Fact]
    public void Status_rows_make_the_table()
    {
        JsonLine main = Parse("""{"name":"main","role":"main","command":"sleep","pid":3843,"state":"running","restarts":0,"since_ns":1,"for_ms":8982}""");
        JsonLine web = Parse("""{"name":"web","role":"service","state":"waiting","restarts":2,"last_exit_code":143,"last_signal":"SIGTERM","for_ms":61000,"restart_in_ms":1234}""");
        JsonLine tick = Parse("""{"name":"tick","role":"service","state":"exited","restarts":0,"last_exit_code":3}""");

        Assert.Equal(
            "NAME  ROLE     PID   STATE                    READY  RESTARTS  LAST EXIT  SINCE\n"
            + "main  main     3843  running                  -      0         -          8s ago\n"
            + "web   service  -     waiting (restart in 1s)  -      2         SIGTERM    1m01s ago\n"
            + "tick  service  -     exited                   -      0         3          -\n",
            StatusTable.Render([main, web, tick]));
    }

    [Fact]
    public void Readiness_shows_as_ready_with_the_notify_status_and_held_with_what_it_waits_for()
    {
        JsonLine db = Parse("""{"name":"db","role":"service","pid":7,"state":"running","restarts":0,"ready":false,"notify_status":"warming up"}""");
        JsonLine web = Parse("""{"name":"web","role":"service","state":"held","restarts":0,"ready":false,"waiting_for":["db","cache"]}""");
        JsonLine main = Parse("""{"name":"main","role":"main","pid":9,"state":"running","restarts":0,"ready":true}""");

        Assert.Equal(
            "NAME  ROLE     PID  STATE                 READY            RESTARTS  LAST EXIT  SINCE\n"
            + "db    service  7    running               no (warming up)  0         -          -\n"
            + "web   service  -    held (for db, cache)  no               0         -          -\n"
            + "main  main     9    running               yes              0         -          -\n",
            StatusTable.Render([db, web, main]));
    }

    [Fact]
    public void The_last_of_two_equal_names_counts_and_fields_keep_their_order()
    {
        JsonLine line = Parse("""{"ok":true,"x":[1, {"a":null}],"ok":false}""");

        Assert.Equal("false", line.Get("ok")!.Text);
        Assert.False(line.Get("ok")!.IsString);
        Assert.Equal("""[1, {"a":null}]""", line.Get("x")!.Text);
        Assert.Equal(["ok", "x", "ok"], line.Fields.Select(f => f.Name));
        Assert.Null(line.Get("message"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1]")]
    [InlineData("\"ok\"")]
    [InlineData("""{"ok":true}""" + " x")]
    [InlineData("""{"ok":true}{"ok":true}""")]
    [InlineData("""{"ok":tru}""")]
    [InlineData("""{"ok":true""")]
    public void A_line_that_is_not_one_json_object_is_refused(string text)
    {
        Assert.Null(JsonLine.Parse(Encoding.UTF8.GetBytes(text)));
    }

    private static JsonLine Parse(string text) => JsonLine.Parse(Encoding.UTF8.GetBytes(text)) ?? throw new ArgumentException(text);
}
