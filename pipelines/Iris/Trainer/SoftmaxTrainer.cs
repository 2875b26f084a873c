using Iris.Model;

namespace Iris.Trainer;

/// <summary>Full-batch gradient descent on the cross-entropy of a softmax model over standardised features.</summary>
internal static class SoftmaxTrainer
{
    /// <summary>Called after every epoch with (epoch, loss, train accuracy).</summary>
    public delegate void EpochCallback(int epoch, double loss, double accuracy);

    public static SoftmaxModel Train(IReadOnlyList<Sample> train, string[] featureNames, TrainerOptions options, EpochCallback onEpoch)
    {
        var classes = train.Select(s => s.Label).Distinct().Order(StringComparer.Ordinal).ToArray();
        var d = featureNames.Length;
        var k = classes.Length;
        var means = Enumerable.Range(0, d).Select(j => train.Average(s => s.Features[j])).ToArray();
        var stds = Enumerable.Range(0, d).Select(j =>
        {
            var sd = Math.Sqrt(train.Average(s => Math.Pow(s.Features[j] - means[j], 2)));
            return sd > 1e-12 ? sd : 1.0; // a constant feature is left unscaled
        }).ToArray();
        var x = train.Select(s => s.Features.Select((v, j) => (v - means[j]) / stds[j]).ToArray()).ToArray();
        var y = train.Select(s => Array.IndexOf(classes, s.Label)).ToArray();

        var model = new SoftmaxModel
        {
            Features = featureNames, Classes = classes, Means = means, Stds = stds,
            Weights = Enumerable.Range(0, k).Select(_ => new double[d]).ToArray(), Bias = new double[k],
        };
        var n = x.Length;
        for (var epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var gradW = Enumerable.Range(0, k).Select(_ => new double[d]).ToArray();
            var gradB = new double[k];
            double loss = 0;
            var correct = 0;
            for (var i = 0; i < n; i++)
            {
                var p = SoftmaxModel.Softmax(model.Logits(x[i]));
                loss -= Math.Log(Math.Max(p[y[i]], 1e-15));
                if (ArgMax(p) == y[i]) correct++;
                for (var c = 0; c < k; c++)
                {
                    var err = p[c] - (c == y[i] ? 1 : 0);
                    gradB[c] += err;
                    for (var j = 0; j < d; j++) gradW[c][j] += err * x[i][j];
                }
            }
            var penalty = 0.0;
            for (var c = 0; c < k; c++)
            {
                model.Bias[c] -= options.LearningRate * gradB[c] / n;
                for (var j = 0; j < d; j++)
                {
                    penalty += model.Weights[c][j] * model.Weights[c][j];
                    model.Weights[c][j] -= options.LearningRate * (gradW[c][j] / n + options.L2 * model.Weights[c][j]);
                }
            }
            onEpoch(epoch, loss / n + options.L2 / 2 * penalty, (double)correct / n);
        }
        return model;
    }

    public static int ArgMax(double[] values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }
}
