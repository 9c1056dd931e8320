//! The OpenAPI description: served, version 3.1, and listing exactly the routes the router
//! answers (each one is called: none is the "no such route" problem).

use super::*;

/// Every route of the API, by method and path as the description writes them.
const ROUTES: [(&str, &str); 9] = [
    ("get", "/members"),
    ("get", "/members/{card}"),
    ("get", "/members/{card}/offers"),
    ("post", "/purchases"),
    ("post", "/refunds"),
    ("post", "/codes/use"),
    ("get", "/partner/members/{card}"),
    ("post", "/partner/earn"),
    ("post", "/partner/redeem"),
];

#[tokio::test]
async fn the_description_lists_every_route_and_every_route_it_lists_answers() {
    let shop = demo().await;
    // Served without a key.
    let res = reqwest::get(shop.app.url("/api/v1/openapi.json"))
        .await
        .expect("get");
    assert_eq!(res.status(), 200);
    let doc: Value = res.json().await.expect("json");
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["servers"][0]["url"], "/api/v1");
    assert!(doc["components"]["securitySchemes"]["api_key"]["scheme"] == "bearer");
    let mut listed: Vec<(String, String)> = doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .expect("path item")
                .keys()
                .map(|m| (m.clone(), path.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    listed.sort();
    let mut expected: Vec<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    expected.sort();
    assert_eq!(listed, expected);
    // The router the server runs is built from the same description.
    let (_, built) = server::api_v1::routes_and_doc();
    assert_eq!(serde_json::to_value(built).expect("doc"), doc);
    // Each listed route exists: called with a key that may do everything, none answers the
    // fallback's "no such route".
    let till = shop
        .key(
            &["members_read", "purchases_write", "codes_redeem"],
            None,
            "",
        )
        .await;
    for (method, path) in ROUTES {
        let path = path.replace("{card}", &shop.card());
        let res = match method {
            "get" => till.get(&path).await,
            _ => till.post(&path, &json!({})).await,
        };
        let v: Value = res.json().await.expect("json");
        assert_ne!(v["code"], "no_such_route", "{method} {path}");
    }
}
