using Cluster.Interfaces.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;

namespace Cluster.Silo.Storage;

/// <summary>Registers the SQLite-backed grain storage, object catalog and reminder table on a silo.</summary>
public static class SqliteStorageExtensions
{
    /// <summary>
    /// Registers the <see cref="SqliteDatabase"/> at <paramref name="databasePath"/> (one per silo), a
    /// <see cref="SqliteGrainStorage"/> named <paramref name="providerName"/> (for <c>[PersistentState(stateName, providerName)]</c>)
    /// and <see cref="IObjectCatalog"/> as a <see cref="SqliteObjectCatalog"/>.
    /// Can be called again with other provider names for the same database path.
    /// </summary>
    public static ISiloBuilder AddSqliteStorage(this ISiloBuilder builder, string databasePath, string providerName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(providerName);
        AddSqliteDatabase(builder.Services, databasePath);
        builder.Services.AddGrainStorage(providerName, (sp, _) => new SqliteGrainStorage(sp.GetRequiredService<SqliteDatabase>()));
        builder.Services.TryAddSingleton<IObjectCatalog>(sp => new SqliteObjectCatalog(sp.GetRequiredService<SqliteDatabase>()));
        return builder;
    }

    /// <summary>
    /// Enables reminders with the reminder table in the silo's <see cref="SqliteDatabase"/>, which
    /// <see cref="AddSqliteStorage"/> (or the overload taking a path) must register.
    /// </summary>
    public static ISiloBuilder UseSqliteReminderService(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddReminders();
        builder.Services.RemoveAll<IReminderTable>();
        builder.Services.AddSingleton<SqliteReminderTable>();
        builder.Services.AddSingleton<IReminderTable>(sp => sp.GetRequiredService<SqliteReminderTable>());
        return builder;
    }

    /// <summary>Enables reminders stored in the SQLite database at <paramref name="databasePath"/>.</summary>
    public static ISiloBuilder UseSqliteReminderService(this ISiloBuilder builder, string databasePath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddSqliteDatabase(builder.Services, databasePath);
        return builder.UseSqliteReminderService();
    }

    private static void AddSqliteDatabase(IServiceCollection services, string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        var fullPath = Path.GetFullPath(databasePath);
        var existing = services.FirstOrDefault(d => d.ServiceType == typeof(SqliteDatabasePath))?.ImplementationInstance as SqliteDatabasePath;
        if (existing is not null)
        {
            if (!string.Equals(existing.Path, fullPath, StringComparison.Ordinal))
                throw new InvalidOperationException(
                    $"A silo uses one SQLite database; '{existing.Path}' is already registered, so '{fullPath}' cannot be.");
            return;
        }
        services.AddSingleton(new SqliteDatabasePath(fullPath));
        services.AddSingleton(sp => new SqliteDatabase(sp.GetRequiredService<SqliteDatabasePath>().Path));
    }

    private sealed record SqliteDatabasePath(string Path);
}
