<#import "template.ftl" as layout>
<@layout.emailLayout>
${kcSanitize(msg("tableauthEmailCodeBodyHtml", code, codeExpiration, realmName))?no_esc}
</@layout.emailLayout>
