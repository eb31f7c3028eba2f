namespace Cluster.Grains.Store;

public static class PersistentStateExtensions
{
    /// <summary>Writes the state. A failed write may still have reached the store (a reply that timed out), and the
    /// state held in memory may differ from it: the grain leaves memory, and its next activation reads what is stored.</summary>
    public static async Task WriteOrDeactivateAsync<T>(this IPersistentState<T> state, IGrainBase grain)
    {
        try { await state.WriteStateAsync(); }
        catch { grain.DeactivateOnIdle(); throw; }
    }
}
