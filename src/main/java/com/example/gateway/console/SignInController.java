package com.example.gateway.console;

import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The sign-in page: a token or key, and a button per single sign-on provider when one is configured. */
@Controller
class SignInController {

    private final ObjectProvider<ClientRegistrationRepository> singleSignOn;

    SignInController(ObjectProvider<ClientRegistrationRepository> singleSignOn) {
        this.singleSignOn = singleSignOn;
    }

    @GetMapping(ConsoleSecurityConfiguration.SIGN_IN)
    String signIn(Model model) {
        List<Provider> providers = new ArrayList<>();
        if (singleSignOn.getIfAvailable() instanceof Iterable<?> registrations) {
            for (Object registration : registrations) {
                ClientRegistration client = (ClientRegistration) registration;
                providers.add(new Provider(client.getClientName(),
                        "/console/oauth2/authorization/" + client.getRegistrationId()));
            }
        }
        model.addAttribute("providers", providers);
        return "console/sign-in";
    }

    public record Provider(String name, String path) {
    }
}
