using TinyInit.Readiness;

namespace TinyInit.UnitTests.Readiness;

public class DependencyGraphTests
{
    private static DependencyGraph Graph(bool hasMain, params string[] after)
    {
        var graph = new DependencyGraph(["db", "cache", "web", "worker"], hasMain);
        foreach (string spec in after)
            Assert.Null(graph.TryAdd(spec));
        return graph;
    }

    [Fact]
    public void Collects_what_each_node_waits_for_across_repeated_options()
    {
        DependencyGraph graph = Graph(true, "web=db", "web=cache,db", "main=web");

        Assert.Equal(["db", "cache"], graph.DependenciesOf("web"));
        Assert.Equal(["web"], graph.DependenciesOf("main"));
        Assert.Empty(graph.DependenciesOf("db"));
        Assert.True(graph.HasEdges);
        Assert.Null(graph.FindCycle());
    }

    [Fact]
    public void Without_edges_nothing_waits()
    {
        DependencyGraph graph = Graph(false);

        Assert.False(graph.HasEdges);
        Assert.Null(graph.FindCycle());
    }

    [Fact]
    public void A_diamond_is_not_a_cycle()
    {
        Assert.Null(Graph(true, "cache=db", "web=db", "worker=web,cache", "main=worker,db").FindCycle());
    }

    [Theory]
    [InlineData(new[] { "web=db", "db=web" }, "--after: dependency cycle: db -> web -> db")]
    [InlineData(new[] { "db=db" }, "--after: dependency cycle: db -> db")]
    [InlineData(new[] { "db=cache", "cache=web", "web=cache" }, "--after: dependency cycle: cache -> web -> cache")]
    [InlineData(new[] { "web=main", "main=worker", "worker=web" }, "--after: dependency cycle: web -> main -> worker -> web")]
    public void Finds_a_cycle_and_names_it(string[] after, string expected)
    {
        Assert.Equal(expected, Graph(true, after).FindCycle());
    }

    [Theory]
    [InlineData("web=nope", "--after 'web=nope': no service named 'nope'")]
    [InlineData("nope=web", "--after 'nope=web': no service named 'nope'")]
    [InlineData("web=db,,cache", "--after 'web=db,,cache': empty dependency name")]
    [InlineData("web", "--after 'web': expected NAME=DEP[,DEP...] (for example web=db)")]
    [InlineData("=db", "--after '=db': expected NAME=DEP[,DEP...] (for example web=db)")]
    [InlineData("main=db", "--after 'main=db': 'main' names the main command, and none was given")]
    [InlineData("web=main", "--after 'web=main': 'main' names the main command, and none was given")]
    public void Rejects_unknown_names_and_bad_values_with_one_line(string spec, string expected)
    {
        var graph = new DependencyGraph(["db", "cache", "web"], hasMain: false);

        Assert.Equal(expected, graph.TryAdd(spec));
        Assert.False(graph.HasEdges);
    }

    [Fact]
    public void Main_is_the_main_command_when_there_is_one()
    {
        var graph = new DependencyGraph(["db"], hasMain: true);

        Assert.Null(graph.TryAdd("main=db"));
        Assert.True(graph.IsMain("main"));
        Assert.False(graph.IsMain("db"));
    }

    [Fact]
    public void A_service_named_main_is_a_service_without_a_main_command_and_ambiguous_with_one()
    {
        Assert.Null(new DependencyGraph(["main", "db"], hasMain: false).TryAdd("main=db"));
        Assert.Equal("--after 'main=db': 'main' names both a service and the main command; rename the service",
            new DependencyGraph(["main", "db"], hasMain: true).TryAdd("main=db"));
    }
}
