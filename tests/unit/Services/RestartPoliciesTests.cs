using System;
using TinyInit.Services;

namespace TinyInit.UnitTests.Services;

public class RestartPoliciesTests
{
    [Theory]
    [InlineData("always", (int)RestartPolicy.Always)]
    [InlineData("on-failure", (int)RestartPolicy.OnFailure)]
    [InlineData("never", (int)RestartPolicy.Never)]
    [InlineData(" On-Failure ", (int)RestartPolicy.OnFailure)]
    public void Parses_the_three_names(string text, int expected)
    {
        Assert.Null(RestartPolicies.TryParse(text, out RestartPolicy policy));
        Assert.Equal((RestartPolicy)expected, policy);
    }

    [Theory]
    [InlineData("")]
    [InlineData("onfailure")]
    [InlineData("on_failure")]
    [InlineData("unless-stopped")]
    [InlineData("1")]
    public void Rejects_anything_else_with_one_line(string text) =>
        Assert.Equal($"restart policy '{text}' is not always, on-failure or never", RestartPolicies.TryParse(text, out _));

    [Fact]
    public void Names_parse_back()
    {
        foreach (RestartPolicy policy in new[] { RestartPolicy.Always, RestartPolicy.OnFailure, RestartPolicy.Never })
        {
            Assert.Null(RestartPolicies.TryParse(RestartPolicies.Name(policy), out RestartPolicy parsed));
            Assert.Equal(policy, parsed);
        }
    }
}
