namespace TinyInit.Signals;

/// <summary>The routing of one received signal.</summary>
/// <param name="Action">What to do.</param>
/// <param name="Forward">The signal to send on after --rewrite; 0 when it is dropped or not forwarded.</param>
/// <param name="ArmsKillAfter">Whether the forwarded signal is a terminating one, which starts --kill-after.</param>
internal readonly record struct SignalDecision(SignalAction Action, int Forward = 0, bool ArmsKillAfter = false);
