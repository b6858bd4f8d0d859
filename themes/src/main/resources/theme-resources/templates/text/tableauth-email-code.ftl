<#ftl output_format="plainText">
${msg("tableauthEmailCodeBody", code, codeExpiration, realmName)}
