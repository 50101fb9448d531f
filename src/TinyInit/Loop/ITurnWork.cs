namespace TinyInit.Loop;

/// <summary>A part of tinyinit that the <see cref="EventLoop"/> gives a turn after each wake-up.</summary>
internal interface ITurnWork
{
    /// <summary>The earliest deadline (Stopwatch timestamp) this part waits for, or <see cref="Deadline.None"/>.</summary>
    long NextDeadline { get; }

    /// <summary>Whether this part left work for the next turn: the loop then does not sleep.</summary>
    bool HasPendingWork { get; }

    /// <summary>Acts on the deadlines that have passed and does a bounded share of the pending work.</summary>
    void OnTurn(long now);
}
