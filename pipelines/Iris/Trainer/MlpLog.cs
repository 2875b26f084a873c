using System.Globalization;

namespace Iris.Trainer;

/// <summary>Writes <c>##mlp[…]</c> lines on stdout, which the runner turns into params and metrics of the run.</summary>
internal sealed class MlpLog(TextWriter output)
{
    public void Param(string name, object value) =>
        output.WriteLine($"##mlp[param name={name}]{Convert.ToString(value, CultureInfo.InvariantCulture)}");

    public void Metric(string name, double value, long? step = null) =>
        output.WriteLine(step is { } s
            ? $"##mlp[metric name={name} step={s}]{value.ToString("R", CultureInfo.InvariantCulture)}"
            : $"##mlp[metric name={name}]{value.ToString("R", CultureInfo.InvariantCulture)}");

    public void Table(string name, string json) => output.WriteLine($"##mlp[table name={name}]{json}");
}
