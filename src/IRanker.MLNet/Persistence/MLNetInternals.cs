using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace IRanker.MLNet.Persistence;

/// <summary>
/// The non-persistence ML.NET internals this library uses, kept beside the persistence code so that
/// every use of ML.NET internals is in this folder (and checked by the canary test).
/// </summary>
internal static class MLNetInternals
{
    /// <summary>The <see cref="MLContext"/> behind a catalog (ML.NET's own trainers get it the same way).</summary>
    internal static IHostEnvironment GetEnvironment(RankingCatalog.RankingTrainers catalog) => CatalogUtils.GetEnvironment(catalog);

    /// <summary>Whether <c>MLContext.CancelExecution()</c> has reached <paramref name="host"/>.</summary>
    internal static bool IsCanceled(IHost host) => host is ICancelable cancelable && cancelable.IsCanceled;

    /// <summary>A scalar <see cref="float"/> column for <see cref="IEstimator{TTransformer}.GetOutputSchema"/> (its constructor is internal).</summary>
    internal static SchemaShape.Column ScalarSingleColumn(string name) =>
        new(name, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single, isKey: false);
}
