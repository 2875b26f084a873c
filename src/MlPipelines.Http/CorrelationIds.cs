using Microsoft.AspNetCore.Http;

namespace MlPipelines.Http;

/// <summary>The correlation id of a request, shared by the router and the scoring host so both log and answer the same id.</summary>
public static class CorrelationIds
{
    /// <summary>Request header carrying the id (in and out).</summary>
    public const string Header = "x-request-id";

    private const string ItemKey = "mlp.correlationId";

    /// <summary>The client's <c>x-request-id</c> (1–128 characters, control characters escaped so it cannot forge log
    /// lines) or a new one; the same value for the whole request.</summary>
    public static string Of(HttpContext context)
    {
        if (context.Items.TryGetValue(ItemKey, out var known) && known is string id) return id;
        id = context.Request.Headers[Header] is { Count: 1 } given && given[0]!.Length is > 0 and <= 128
            ? LogText.Escape(given[0]!) : Guid.NewGuid().ToString("n");
        context.Items[ItemKey] = id;
        return id;
    }
}
