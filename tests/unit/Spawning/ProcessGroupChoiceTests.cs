using TinyInit.Spawning;

namespace TinyInit.UnitTests.Spawning;

public class ProcessGroupChoiceTests
{
    [Fact]
    public void A_child_of_a_session_leader_gets_its_own_group_so_that_stop_signals_reach_it()
    {
        Assert.True(ProcessGroupChoice.ChildHasItsOwn(groupOption: false, tookTerminal: false, leadsSession: true));
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void The_group_option_and_a_terminal_taken_for_the_child_still_give_it_its_own_group(bool groupOption, bool tookTerminal)
    {
        Assert.True(ProcessGroupChoice.ChildHasItsOwn(groupOption, tookTerminal, leadsSession: false));
        Assert.True(ProcessGroupChoice.ChildHasItsOwn(groupOption, tookTerminal, leadsSession: true));
    }

    [Fact]
    public void Otherwise_the_child_shares_tinyinits_group()
    {
        Assert.False(ProcessGroupChoice.ChildHasItsOwn(groupOption: false, tookTerminal: false, leadsSession: false));
    }
}
