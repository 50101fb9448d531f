using System.Text;
using CsCheck;
using TinyInit.Cli;
using TinyInit.Services;
using TinyInit.UnitTests.Cli;

namespace TinyInit.UnitTests.Services;

/// <summary>--service values and Procfile lines: random input is a service or one safe line; what is written parses back.</summary>
public class ServiceParserPropertyTests
{
    private static readonly Gen<string> Name = Gen.Select(
        Gen.Char.AlphaNumeric, Gen.String[Gen.OneOf(Gen.Char.AlphaNumeric, Gen.Char["_.-"]), 0, 12], (first, rest) => first + rest);

    /// <summary>Commands as bytes, Latin-1 and control bytes included, without NUL or a line break, not starting or ending with a blank.</summary>
    private static readonly Gen<string> Command = Gen.Byte.Array[1, 30]
        .Select(bytes => LosslessUtf8.Decode(bytes.Select(b => b is 0 or (byte)'\n' ? (byte)'x' : b).ToArray()).Trim())
        .Where(command => command.Length > 0);

    [Fact]
    public void A_service_value_parses_back_to_its_name_and_command() =>
        Gen.Select(Name, Command).Sample((name, command) =>
        {
            Assert.Null(ServiceSpecParser.TryParse($"{name}={command}", RestartPolicy.Always, out ServiceDefinition? service));
            Assert.Equal(name, service!.Name);
            Assert.Equal(command, service.Command);
        }, iter: 10_000);

    [Fact]
    public void Random_service_values_are_a_service_or_one_safe_line() =>
        Gen.OneOf(TextGen.AnyText, TextGen.ParserText).Sample(text =>
        {
            string? error = ServiceSpecParser.TryParse(text, RestartPolicy.Always, out ServiceDefinition? service);
            return error is null ? service is not null : service is null && TextGen.IsOneLineSafe(error);
        }, iter: 10_000);

    [Fact]
    public void Procfile_lines_parse_back_to_their_services() =>
        Gen.Select(Name, Command).Array[0, 10].Select(list => list.DistinctBy(s => s.Item1).ToArray()).Sample(expected =>
        {
            string text = string.Concat(expected.Select(s => $"{s.Item1}: {s.Item2}\n"));
            byte[] file = LosslessUtf8.Encode(text);
            var services = new ServiceSet();
            Assert.Null(ProcfileParser.TryParse("Procfile", LosslessUtf8.Decode(file), RestartPolicy.Never, services));
            Assert.Equal(expected, services.Services.Select(s => (s.Name, s.Command)));
            Assert.All(services.Services.Zip(expected), pair => Assert.Equal(LosslessUtf8.Encode(pair.Second.Item2), LosslessUtf8.Encode(pair.First.Command)));
        }, iter: 2_000);

    [Fact]
    public void Random_procfiles_are_services_or_one_safe_line_naming_a_line() =>
        Gen.OneOf(TextGen.AnyBytes, Gen.String[Gen.OneOf(Gen.Char["web:#= \n\r\t\0"], Gen.Char), 0, 60].Select(s => Encoding.UTF8.GetBytes(s)))
            .Sample(bytes =>
            {
                string? error = ProcfileParser.TryParse("Procfile", LosslessUtf8.Decode(bytes), RestartPolicy.Never, new ServiceSet());
                return error is null || (error.StartsWith("Procfile:", StringComparison.Ordinal) && TextGen.IsOneLineSafe(error));
            }, iter: 10_000);

    [Fact]
    public void A_nul_byte_names_its_line() =>
        Assert.Equal(
            "Procfile:2: the line holds a NUL byte, which no command can contain",
            ProcfileParser.TryParse("Procfile", "web: ./web\nworker: ./w\0x\n", RestartPolicy.Never, new ServiceSet()));
}
