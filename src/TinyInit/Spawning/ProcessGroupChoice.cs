namespace TinyInit.Spawning;

/// <summary>Whether the main child starts in a process group of its own or in tinyinit's.</summary>
internal static class ProcessGroupChoice
{
    /// <summary>
    /// A group of its own with -g (signals go to the whole group), when tinyinit took the terminal
    /// for it (its group becomes the foreground one), and when tinyinit leads its session, as runc
    /// starts PID 1. A session leader's parent is outside the session, so a group that only it and
    /// its children share is orphaned (POSIX XBD "Orphaned Process Group"), and the kernel
    /// discards SIGTSTP, SIGTTIN and SIGTTOU with the default action sent to its members (POSIX
    /// XSH 2.4.3; is_current_pgrp_orphaned() in kernel/signal.c): the forwarded stop would never
    /// stop the child. A group of the child's own has its parent, tinyinit, in another group of
    /// the same session, so it is not orphaned; tini always starts the child that way.
    /// Otherwise the child shares tinyinit's group, as before: a job-control shell that runs
    /// tinyinit then stops and resumes both together.
    /// </summary>
    public static bool ChildHasItsOwn(bool groupOption, bool tookTerminal, bool leadsSession) =>
        groupOption || tookTerminal || leadsSession;
}
