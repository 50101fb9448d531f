using TinyInit.Interop;
using TinyInit.Spawning;

namespace TinyInit.UnitTests.Spawning;

public class SpawnFailureTests
{
    [Theory]
    [InlineData(2 /* ENOENT */, 127)]
    [InlineData(20 /* ENOTDIR */, 127)]
    [InlineData(13 /* EACCES */, 126)]
    [InlineData(8 /* ENOEXEC */, 126)]
    [InlineData(40 /* ELOOP */, 126)]
    [InlineData(11 /* EAGAIN */, 125)]
    [InlineData(12 /* ENOMEM */, 125)]
    public void Each_errno_has_the_exit_code_env_and_timeout_would_give(int error, int code)
    {
        Assert.Equal(code, (int)SpawnFailure.ExitCodeOf(error));
    }

    [Fact]
    public void A_spawn_without_room_for_a_process_names_the_limits_that_cause_it()
    {
        string text = SpawnFailure.Describe((int)Errno.EAGAIN);

        Assert.Contains("no room for another process", text);
        Assert.Contains("RLIMIT_NPROC", text);
        Assert.Contains("pids cgroup", text);
    }

    [Fact]
    public void Exec_format_error_says_that_the_shell_could_not_run_it_either()
    {
        Assert.Contains("/bin/sh could not run it", SpawnFailure.Describe((int)Errno.ENOEXEC));
    }
}
