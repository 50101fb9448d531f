using System;
using System.Linq;
using TinyInit.Services;

namespace TinyInit.UnitTests.Services;

public class ServiceSpecParserTests
{
    [Theory]
    [InlineData("web=python -m http.server", "web", "python -m http.server")]
    [InlineData("web=env PORT=80 ./server", "web", "env PORT=80 ./server")]
    [InlineData(" api.v2 =  ./api  ", "api.v2", "./api")]
    [InlineData("0_worker-1=./w", "0_worker-1", "./w")]
    public void Parses_name_and_command(string text, string name, string command)
    {
        string? error = ServiceSpecParser.TryParse(text, RestartPolicy.Never, out ServiceDefinition? service);

        Assert.Null(error);
        Assert.NotNull(service);
        Assert.Equal(name, service.Name);
        Assert.Equal(command, service.Command);
        Assert.Equal(RestartPolicy.Never, service.Restart);
        Assert.Equal(ServiceOrigin.CommandLine(text), service.Origin);
    }

    [Fact]
    public void Runs_the_command_with_the_shell()
    {
        ServiceSpecParser.TryParse("web=exec ./web >/dev/null 2>&1", RestartPolicy.Always, out ServiceDefinition? service);

        Assert.Equal(["/bin/sh", "-c", "exec ./web >/dev/null 2>&1"], service!.ShellArgv());
    }

    [Theory]
    [InlineData("web", "--service 'web': expected NAME=COMMAND (for example web=python -m http.server)")]
    [InlineData("web=", "--service 'web=': empty command for service 'web'")]
    [InlineData("web=   ", "--service 'web=   ': empty command for service 'web'")]
    [InlineData("=./web", "--service '=./web': invalid service name '' (use letters, digits, '_', '.' and '-', starting with a letter or digit)")]
    [InlineData("my web=./web", "--service 'my web=./web': invalid service name 'my web' (use letters, digits, '_', '.' and '-', starting with a letter or digit)")]
    [InlineData("_web=./web", "--service '_web=./web': invalid service name '_web' (use letters, digits, '_', '.' and '-', starting with a letter or digit)")]
    [InlineData("web:1=./web", "--service 'web:1=./web': invalid service name 'web:1' (use letters, digits, '_', '.' and '-', starting with a letter or digit)")]
    public void Rejects_bad_values_with_one_line(string text, string expected)
    {
        string? error = ServiceSpecParser.TryParse(text, RestartPolicy.Always, out ServiceDefinition? service);

        Assert.Equal(expected, error);
        Assert.Null(service);
    }

    [Fact]
    public void The_same_name_twice_is_an_error()
    {
        var services = new ServiceSet();
        Assert.Null(ServiceSpecParser.TryAdd("web=./a", RestartPolicy.Always, services));

        string? error = ServiceSpecParser.TryAdd("web=./b", RestartPolicy.Always, services);

        Assert.Equal("--service 'web=./b': duplicate service name 'web' (first defined by --service 'web=./a')", error);
    }

    [Fact]
    public void Services_keep_their_definition_order()
    {
        var services = new ServiceSet();
        Assert.Null(ServiceSpecParser.TryAdd("b=./b", RestartPolicy.Always, services));
        Assert.Null(ServiceSpecParser.TryAdd("a=./a", RestartPolicy.Always, services));

        Assert.Equal(["b", "a"], services.Services.Select(s => s.Name));
        Assert.True(services.TryGet("a", out ServiceDefinition? a));
        Assert.Equal("./a", a.Command);
        Assert.False(services.TryGet("c", out _));
    }
}
